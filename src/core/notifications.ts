// Notifications (the inbox, and the email digest that follows it): what the routes and both
// Durable Objects call. Notifying is a queue job ("notify", src/api/notifications/deliver.ts),
// so nothing on a hot path waits for D1 or decides who may be told: the job checks each
// recipient against the room's access rules when it runs.
import { and, eq, isNull } from "drizzle-orm";
import { notifications } from "../db/schema.ts";
import type { Env } from "../env.ts";
import { database } from "./db.ts";
import { enqueueJob } from "./jobs.ts";

export type NotificationKind = "mention" | "reply" | "invitation" | "access_changed";

export type NotifyRequest = {
  kind: NotificationKind;
  roomId: string | null;
  /** Who did it (never notified of their own act); null for the system. */
  actorId: string | null;
  /** Candidates: the job keeps those who may view the room (for an invitation: the invitee). */
  userIds: string[];
  /** Text as written (mentions as `<@id>`); rendered with names when delivered. */
  excerpt: string;
  /** Where it happened, in the web client (`/#/rooms/:id?…`). */
  url: string;
  /** The message, comment, mention or invitation it is about: a redelivered job inserts nothing twice. */
  sourceId: string;
};

type Background = Pick<ExecutionContext, "waitUntil">;

/** Longest excerpt kept with a notification. */
export const EXCERPT_CHARS = 280;

export function notify(env: Env, request: NotifyRequest): Promise<unknown> {
  if (request.userIds.length === 0) return Promise.resolve();
  return enqueueJob(env, "notify", { ...request, excerpt: request.excerpt.slice(0, EXCERPT_CHARS) });
}

/** From a Durable Object or after a response: never throws, never delays the caller. */
export function notifyLater(ctx: Background, env: Env, request: NotifyRequest): void {
  ctx.waitUntil(notify(env, request).catch((error) => console.error(`notify ${request.kind} failed`, error)));
}

/** The user is looking at the room now: what it notified them of needs no email. */
export async function markRoomSeen(env: Env, userId: string, roomId: string): Promise<void> {
  await database(env)
    .update(notifications)
    .set({ seenAt: Date.now() })
    .where(and(eq(notifications.userId, userId), eq(notifications.roomId, roomId), isNull(notifications.seenAt)));
}
