// The event log: every change that matters, in D1's `events` table, read by the events API
// (src/api/events/) and sent to webhooks (src/api/webhooks/).
//
// How to record an event (e.g. from a new route):
//
//   await recordEvent(env, { roomId, type: "comment.created", actor: actorOf(principal), data: { threadId, commentId } });
//
// or, to record it in the same D1 batch (one transaction) as the change it describes:
//
//   await env.DB.batch([theChange, eventStatement(env, { roomId, type: "...", actor, data })]);
//
// - `type`: "<noun>.<verb>" (room.created, member.added, comment.created, ...).
// - `roomId`: the room it happened in; null for an event of no room (the global feed only).
// - `actor`: who did it: a user id, "admin-token" (actorOf(principal) gives either), null: the system.
// - `data`: small JSON (ids and names, no bodies: readers fetch what they need), at most 4 KiB.
// A room event is written only while its room exists (except room.deleted), so nothing is
// recorded for a room deleted meanwhile. Recording also wakes the room's webhooks (queued).
import { wakeWebhooks } from "./webhook-wake.ts";
import type { Env } from "../env.ts";

export type EventInput = {
  roomId: string | null;
  type: string;
  actor: string | null;
  data?: Record<string, unknown>;
};

/** Events are small; a bigger `data` is a bug in the caller, cut to a marker instead of failing the change. */
const MAX_DATA_BYTES = 4096;

/** Who did it, as an event's actor: the user's id, or "admin-token" for the bootstrap token. */
export function actorOf(principal: { user: { id: string } | null } | null | undefined): string | null {
  if (!principal) return null;
  return principal.user?.id ?? "admin-token";
}

function dataJson(data: Record<string, unknown> | undefined): string {
  const json = JSON.stringify(data ?? {});
  return new TextEncoder().encode(json).byteLength <= MAX_DATA_BYTES ? json : JSON.stringify({ truncated: true });
}

/**
 * The INSERT for one event, to put in a D1 batch beside the change. The per-room `seq` is
 * MAX+1 in the same statement: D1 runs statements one at a time, so two writers can never
 * take the same number or leave a gap (pruning keeps each room's newest event, so MAX holds).
 */
export function eventStatement(env: Pick<Env, "DB">, event: EventInput): D1PreparedStatement {
  const roomMustExist = event.roomId !== null && event.type !== "room.deleted" ? 1 : 0;
  return env.DB.prepare(
    `INSERT INTO events (room_id, seq, type, actor, data, created_at)
     SELECT ?1, COALESCE((SELECT MAX(seq) FROM events WHERE room_id IS ?1), 0) + 1, ?2, ?3, ?4, ?5
     WHERE ?6 = 0 OR EXISTS (SELECT 1 FROM rooms WHERE id = ?1)`,
  ).bind(event.roomId, event.type, event.actor, dataJson(event.data), Date.now(), roomMustExist);
}

/** Records events (one batch, in this order) and wakes the webhooks that may want them. */
export async function recordEvents(env: Env, events: EventInput[]): Promise<void> {
  if (events.length === 0) return;
  await env.DB.batch(events.map((event) => eventStatement(env, event)));
  await wakeWebhooks(env, events.map((event) => event.roomId));
}

/** Records one event; see the top of this file. */
export async function recordEvent(env: Env, event: EventInput): Promise<void> {
  await recordEvents(env, [event]);
}

/** Events waiting to be recorded, per object (recordEventLater). */
const pendingEvents = new WeakMap<object, EventInput[]>();
/** Statements per D1 batch from recordEventLater. */
const LATER_BATCH = 50;

/**
 * For a Durable Object's code off the request's path (a listener): records in the background and
 * logs a failure instead of throwing; the change itself already happened. Events of one object
 * wait for the end of its turn and whatever messages are already queued (a zero timer), then go
 * in order as one D1 batch and one webhook wake: a busy chat pays per batch, not per message.
 */
export function recordEventLater(ctx: Pick<ExecutionContext, "waitUntil">, env: Env, event: EventInput): void {
  const pending = pendingEvents.get(ctx);
  if (pending) return void pending.push(event);
  const events = [event];
  pendingEvents.set(ctx, events);
  setTimeout(() => {
    pendingEvents.delete(ctx);
    ctx.waitUntil(recordInBatches(env, events));
  }, 0);
}

async function recordInBatches(env: Env, events: EventInput[]): Promise<void> {
  for (let i = 0; i < events.length; i += LATER_BATCH) {
    const batch = events.slice(i, i + LATER_BATCH);
    await recordEvents(env, batch).catch((error) => console.error(`${batch.length} events (${batch[0]!.type}, ...) were not recorded`, error));
  }
}
