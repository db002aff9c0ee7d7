// Brute-force protection: after too many failed logins for one account or from one
// client address within a window, further attempts get 429 until the window ends.
// Counters live in D1 (KV allows only one write per second per key, too slow here).
import { eq, sql } from "drizzle-orm";
import { loginAttempts } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { database } from "../db.ts";
import { tooManyRequests } from "../errors.ts";

export const LOGIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

type Keys = { account: string; address: string };

const limits = (keys: Keys) => [
  { key: `account:${keys.account}`, max: MAX_FAILURES_PER_ACCOUNT },
  { key: `address:${keys.address}`, max: MAX_FAILURES_PER_ADDRESS },
];

export async function assertLoginAllowed(env: Env, keys: Keys): Promise<void> {
  const now = Date.now();
  for (const { key, max } of limits(keys)) {
    const [row] = await database(env).select().from(loginAttempts).where(eq(loginAttempts.key, key)).limit(1);
    if (row && now - row.windowStart < LOGIN_WINDOW_MS && row.failures >= max) {
      const retryAfter = Math.ceil((row.windowStart + LOGIN_WINDOW_MS - now) / 1000);
      throw tooManyRequests(`Too many failed sign-ins. Try again in ${retryAfter} seconds.`);
    }
  }
}

export async function recordLoginFailure(env: Env, keys: Keys): Promise<void> {
  const now = Date.now();
  const windowStart = now - LOGIN_WINDOW_MS;
  for (const { key } of limits(keys)) {
    // One upsert per key: a stale window restarts at 1, a live one counts up.
    await database(env)
      .insert(loginAttempts)
      .values({ key, failures: 1, windowStart: now })
      .onConflictDoUpdate({
        target: loginAttempts.key,
        set: {
          failures: sql`CASE WHEN ${loginAttempts.windowStart} < ${windowStart} THEN 1 ELSE ${loginAttempts.failures} + 1 END`,
          windowStart: sql`CASE WHEN ${loginAttempts.windowStart} < ${windowStart} THEN ${now} ELSE ${loginAttempts.windowStart} END`,
        },
      });
  }
}

export async function clearAccountFailures(env: Env, account: string): Promise<void> {
  await database(env).delete(loginAttempts).where(eq(loginAttempts.key, `account:${account}`));
}
