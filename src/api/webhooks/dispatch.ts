// The webhook-dispatch job: sends one webhook's next events, one at a time, in event-id order.
// - One dispatcher per webhook: a lease row-update (leaseUntil) that only one job wins; the
//   others return at once. The winner, after letting go, looks for events that arrived meanwhile.
// - The webhook's `cursor` moves past an event only once the receiver answered 2xx, so a failure
//   stops the line: the job throws, the queue retries it with exponential backoff (consumer.ts),
//   then the dead-letter queue marks the job failed; the hourly cron tries again (new events do
//   not wake a failing webhook: src/core/webhook-wake.ts).
// - Each (webhook, event, replay generation) has one delivery id, sent as X-Roomful-Delivery on
//   every attempt: receivers dedupe on it.
// - After 24 h of failures the webhook is paused and its owner mailed (pause.ts).
import { and, asc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { events, type JobRow, webhookDeliveries, type WebhookRow, webhooks } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { config } from "../../core/config.ts";
import { database } from "../../core/db.ts";
import { enqueueJob } from "../../core/jobs.ts";
import { roomAccess, actorFor } from "../../core/access.ts";
import { sha256Hex } from "../../shared/crypto.ts";
import { matchesTypes, presentEvent } from "../events/feed.ts";
import { openSecret } from "./secret-box.ts";
import { signDelivery } from "./signature.ts";
import { checkWebhookUrl } from "./url-policy.ts";
import { FAILING_PAUSE_MS, pauseWebhook } from "./pause.ts";
import { users } from "../../db/schema.ts";

/** Longer than a job's worst case (EVENTS_PER_JOB × the timeout), so a lease never lapses under a live dispatcher. */
const LEASE_MS = 5 * 60_000;
const EVENTS_PER_JOB = 25;
const DELIVERY_TIMEOUT_MS = 10_000;
const PAGE = 50;

const dispatchJob = z.object({ webhookId: z.string().min(1) });

export class DeliveryFailed extends Error {}

export async function dispatchWebhookJob(env: Env, job: JobRow): Promise<void> {
  await dispatchWebhook(env, dispatchJob.parse(job.payload).webhookId);
}

export async function dispatchWebhook(env: Env, webhookId: string, now = Date.now()): Promise<void> {
  const db = database(env);
  const [hook] = await db
    .update(webhooks)
    .set({ leaseUntil: now + LEASE_MS })
    .where(and(eq(webhooks.id, webhookId), eq(webhooks.status, "active"), or(isNull(webhooks.leaseUntil), lt(webhooks.leaseUntil, now))))
    .returning();
  if (!hook) return; // deleted, paused, or another dispatcher has it
  let more = false;
  try {
    more = await deliverPending(env, hook);
  } finally {
    await db.update(webhooks).set({ leaseUntil: null }).where(eq(webhooks.id, webhookId));
  }
  // Let go first, then look: an event recorded while we held the lease woke nobody.
  if (more || (await hasPendingEvents(env, webhookId))) await enqueueJob(env, "webhook-dispatch", { webhookId });
}

/** The room-or-everything condition of a webhook's events. */
const scopeOf = (hook: Pick<WebhookRow, "roomId">) => (hook.roomId ? eq(events.roomId, hook.roomId) : undefined);

async function hasPendingEvents(env: Env, webhookId: string): Promise<boolean> {
  const db = database(env);
  const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, webhookId)).limit(1);
  if (!hook || hook.status !== "active") return false;
  const [next] = await db.select({ id: events.id }).from(events).where(and(gt(events.id, hook.cursor), scopeOf(hook))).limit(1);
  return Boolean(next);
}

/** May the webhook's creator still manage its room (or everything)? Checked at every run, not only at creation. */
async function creatorStillAllowed(env: Env, hook: WebhookRow): Promise<boolean> {
  if (!hook.ownerId) return true; // made with the bootstrap admin token
  const [owner] = await database(env).select().from(users).where(eq(users.id, hook.ownerId)).limit(1);
  if (!owner) return false;
  const actor = actorFor(owner);
  if (!hook.roomId) return actor.isAdmin;
  return (await roomAccess(env, hook.roomId, actor))?.canManage ?? false;
}

/** Sends up to EVENTS_PER_JOB events; true when more are waiting. Throws when a delivery failed. */
async function deliverPending(env: Env, hook: WebhookRow): Promise<boolean> {
  const db = database(env);
  if (!(await creatorStillAllowed(env, hook))) {
    await pauseWebhook(env, hook, "The webhook's creator may no longer manage its room.");
    return false;
  }
  const verdict = checkWebhookUrl(hook.url, config(env));
  if (!verdict.ok) {
    await pauseWebhook(env, hook, `The URL is refused: ${verdict.reason}.`);
    return false;
  }
  const secret = await openSecret(env.SESSION_SECRET, hook.secret);
  let cursor = hook.cursor;
  let sent = 0;
  while (sent < EVENTS_PER_JOB) {
    const page = await db.select().from(events).where(and(gt(events.id, cursor), scopeOf(hook))).orderBy(asc(events.id)).limit(PAGE);
    if (page.length === 0) return false;
    for (const event of page) {
      if (matchesTypes(event.type, hook.events)) {
        if ((await deliver(env, hook, secret, event)) === "paused") return false;
        sent++;
      }
      cursor = event.id;
      // Only while no replay moved the cursor meanwhile (a replay bumps the generation).
      const moved = await db
        .update(webhooks)
        .set({ cursor, failingSince: null, updatedAt: Date.now() })
        .where(and(eq(webhooks.id, hook.id), eq(webhooks.generation, hook.generation)))
        .returning({ id: webhooks.id });
      if (moved.length === 0) return true; // replayed: start again from the new cursor
      if (sent >= EVENTS_PER_JOB) return true;
    }
  }
  return true;
}

export async function deliveryId(webhookId: string, eventId: number, generation: number): Promise<string> {
  return `dlv_${(await sha256Hex(`${webhookId}:${eventId}:${generation}`)).slice(0, 32)}`;
}

/** Sends one event; "paused" when this failure paused the webhook. Throws on any other failure. */
async function deliver(env: Env, hook: WebhookRow, secret: string, event: typeof events.$inferSelect): Promise<"delivered" | "paused"> {
  const db = database(env);
  const id = await deliveryId(hook.id, event.id, hook.generation);
  const now = Date.now();
  await db
    .insert(webhookDeliveries)
    .values({ id, webhookId: hook.id, eventId: event.id, status: "pending", attempts: 1, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: webhookDeliveries.id, set: { attempts: sql`${webhookDeliveries.attempts} + 1`, updatedAt: now } });
  const body = JSON.stringify({ webhookId: hook.id, deliveryId: id, event: presentEvent(event) });
  const timestamp = Math.floor(now / 1000);
  let status: number | null = null;
  let error: string | null = null;
  try {
    const response = await fetch(hook.url, {
      method: "POST",
      redirect: "manual", // a redirect is an answer, never followed: it could point anywhere
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      headers: {
        "content-type": "application/json",
        "user-agent": "Roomful-Webhooks/1",
        "x-roomful-delivery": id,
        "x-roomful-event": event.type,
        "x-roomful-signature": await signDelivery(secret, timestamp, body),
      },
      body,
    });
    status = response.status;
    await response.body?.cancel();
    if (status < 200 || status > 299) error = `the receiver answered ${status}`;
  } catch (failure) {
    error = failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
  }
  await db
    .update(webhookDeliveries)
    .set({ status: error ? "failed" : "delivered", responseStatus: status, lastError: error?.slice(0, 500) ?? null, updatedAt: Date.now() })
    .where(eq(webhookDeliveries.id, id));
  if (!error) return "delivered";
  const failingSince = hook.failingSince ?? now;
  await db.update(webhooks).set({ failingSince }).where(and(eq(webhooks.id, hook.id), isNull(webhooks.failingSince)));
  if (now - failingSince >= FAILING_PAUSE_MS) {
    await pauseWebhook(env, { ...hook, failingSince }, `Deliveries have failed for 24 hours (last: ${error.slice(0, 200)}).`);
    return "paused";
  }
  throw new DeliveryFailed(`delivery ${id} of event ${event.id}: ${error}`);
}

/** The hourly cron: wake every active webhook with events waiting (after a failed job gave up). */
export async function wakeStalledWebhooks(env: Env): Promise<number> {
  const db = database(env);
  const active = await db.select({ id: webhooks.id }).from(webhooks).where(eq(webhooks.status, "active"));
  let woken = 0;
  for (const hook of active) {
    if (await hasPendingEvents(env, hook.id)) {
      await enqueueJob(env, "webhook-dispatch", { webhookId: hook.id });
      woken++;
    }
  }
  return woken;
}
