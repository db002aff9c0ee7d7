// Brute-force protection that an attacker cannot turn against the account's owner:
// - account + address: 5 failures lock that pair out for the rest of a 15-minute window. A
//   guesser locks out only themselves; the owner at another address is not affected.
// - address: 20 failures (any accounts) lock that address out for the window.
// - account, from every address: from the 5th failure on, each attempt must wait a delay after
//   the last failure, doubling from 1 s up to 30 s. It slows guessing spread over many
//   addresses to 2 a minute but never locks: an attempt refused by it is not checked and not
//   counted, so the owner gets in once the delay has passed (Retry-After says when).
// Counters live in D1 (KV allows only one write per second per key, too slow here).
import { eq, inArray, sql } from "drizzle-orm";
import { loginAttempts } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import type { AppContext } from "../context.ts";
import { database } from "../../core/db.ts";
import { tooManyRequests } from "../errors.ts";

const LOGIN_WINDOW_MS = 15 * 60_000;
const MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5;
const MAX_FAILURES_PER_ADDRESS = 20;
const DELAY_AFTER_FAILURES = 5;
export const MAX_DELAY_MS = 30_000;

type Keys = { account: string; address: string };

const pairKey = (keys: Keys) => `account+address:${keys.account}|${keys.address}`;
const addressKey = (keys: Keys) => `address:${keys.address}`;
// Its row's window_start is the time of the last failure (a sliding window), not a fixed start.
const delayKey = (keys: Keys) => `account-delay:${keys.account}`;

/** The wait after the last failure once an account has `failures` of them. */
export function accountDelayMs(failures: number): number {
  if (failures < DELAY_AFTER_FAILURES) return 0;
  return Math.min(1000 * 2 ** (failures - DELAY_AFTER_FAILURES), MAX_DELAY_MS);
}

/** A 429 with Retry-After when this attempt may not be checked yet. */
export async function assertLoginAllowed(c: AppContext, keys: Keys): Promise<void> {
  const now = Date.now();
  const rows = await database(c.env)
    .select()
    .from(loginAttempts)
    .where(inArray(loginAttempts.key, [pairKey(keys), addressKey(keys), delayKey(keys)]));
  const row = (key: string) => rows.find((r) => r.key === key);
  let waitMs = 0;
  for (const [key, max] of [[pairKey(keys), MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS], [addressKey(keys), MAX_FAILURES_PER_ADDRESS]] as const) {
    const r = row(key);
    if (r && now - r.windowStart < LOGIN_WINDOW_MS && r.failures >= max) waitMs = Math.max(waitMs, r.windowStart + LOGIN_WINDOW_MS - now);
  }
  const delay = row(delayKey(keys));
  if (delay && now - delay.windowStart < LOGIN_WINDOW_MS) {
    waitMs = Math.max(waitMs, delay.windowStart + accountDelayMs(delay.failures) - now);
  }
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    c.header("retry-after", String(seconds));
    throw tooManyRequests(`Too many failed sign-ins. Try again in ${seconds} seconds.`);
  }
}

export async function recordLoginFailure(env: Env, keys: Keys): Promise<void> {
  const now = Date.now();
  const staleBefore = now - LOGIN_WINDOW_MS;
  const db = database(env);
  const restartOrCount = sql`CASE WHEN ${loginAttempts.windowStart} < ${staleBefore} THEN 1 ELSE ${loginAttempts.failures} + 1 END`;
  // One upsert per key: a stale window restarts at 1, a live one counts up.
  const fixedWindow = (key: string) =>
    db
      .insert(loginAttempts)
      .values({ key, failures: 1, windowStart: now })
      .onConflictDoUpdate({
        target: loginAttempts.key,
        set: {
          failures: restartOrCount,
          windowStart: sql`CASE WHEN ${loginAttempts.windowStart} < ${staleBefore} THEN ${now} ELSE ${loginAttempts.windowStart} END`,
        },
      });
  const slidingWindow = db
    .insert(loginAttempts)
    .values({ key: delayKey(keys), failures: 1, windowStart: now })
    .onConflictDoUpdate({ target: loginAttempts.key, set: { failures: restartOrCount, windowStart: now } });
  await db.batch([fixedWindow(pairKey(keys)), fixedWindow(addressKey(keys)), slidingWindow]);
}

/**
 * A correct password clears this address's count for the account. The account-wide delay
 * stays: the owner signing in must not reset the clock for a guesser elsewhere.
 */
export async function clearLoginFailures(env: Env, keys: Keys): Promise<void> {
  await database(env).delete(loginAttempts).where(eq(loginAttempts.key, pairKey(keys)));
}
