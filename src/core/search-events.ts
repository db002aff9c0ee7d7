// What the Durable Objects tell the search index (src/api/search), off their hot paths: the
// Room and the Presence object call these with one line each and never wait for them.
import { and, eq } from "drizzle-orm";
import { searchEntries } from "../db/schema.ts";
import type { Env } from "../env.ts";
import type { ChatMessage } from "../shared/chat-protocol.ts";
import { channelRoom } from "../shared/chat-protocol.ts";
import { database } from "./db.ts";
import { enqueueJob } from "./jobs.ts";

/** A room's document is re-indexed at most once per this many seconds while it is being edited. */
export const DOCUMENT_INDEX_EVERY_SECONDS = 3;

/** Per room: when its last index job was queued, and whether a trailing one is already due. In memory: a wake just queues one more. */
const lastQueued = new Map<string, number>();
const trailing = new Set<string>();

type Background = Pick<ExecutionContext, "waitUntil">;

function queueDocumentIndex(ctx: Background, env: Env, roomId: string): void {
  lastQueued.set(roomId, Date.now());
  ctx.waitUntil(
    enqueueJob(env, "index-document", { roomId }).then(
      () => undefined,
      (error) => {
        lastQueued.delete(roomId);
        console.error(`room ${roomId}: queueing the search index job failed`, error);
      },
    ),
  );
}

/**
 * A stored edit in `roomId`. The first edit after a quiet spell queues an index job at once (the
 * job reads the document after this edit); edits within DOCUMENT_INDEX_EVERY_SECONDS of it
 * queue one more job when that interval ends, so the last edit is always indexed. Never throws
 * (it runs inside the Room's update listener).
 */
export function noteDocumentEdit(ctx: Background, env: Env, roomId: string): void {
  const wait = (lastQueued.get(roomId) ?? 0) + DOCUMENT_INDEX_EVERY_SECONDS * 1000 - Date.now();
  if (wait <= 0) return queueDocumentIndex(ctx, env, roomId);
  if (trailing.has(roomId)) return;
  trailing.add(roomId);
  setTimeout(() => {
    trailing.delete(roomId);
    queueDocumentIndex(ctx, env, roomId);
  }, wait);
}

export type ChatChange = { kind: "written"; message: ChatMessage } | { kind: "removed"; channel: string; id: string };

/** New chat messages of one room are indexed by at most about two jobs per this many seconds. */
export const MESSAGE_INDEX_EVERY_SECONDS = 1;

/** Per room: when its last index-messages job was queued, and until when a delayed one covers new messages. */
const messagesQueuedAt = new Map<string, number>();
const messagesCoveredUntil = new Map<string, number>();

/**
 * A new message in `roomId`. Each message used to queue its own job (a D1 row, a queue hop, the
 * consumer's writes), which under load cost more than the chat itself. Now the first message
 * after a quiet second queues an `index-messages` job at once (it reads the room's history after
 * the highest seq indexed); messages within the next second queue one job delayed by the queue
 * itself, and messages stored before that job runs need none. Nothing is lost with this memory
 * (an evicted object queues one job too many): every message either queues a job or is stored
 * before a queued, delayed one runs.
 */
function noteRoomMessage(ctx: Background, env: Env, roomId: string): void {
  const now = Date.now();
  if ((messagesCoveredUntil.get(roomId) ?? 0) > now) return;
  const quiet = now - (messagesQueuedAt.get(roomId) ?? 0) >= MESSAGE_INDEX_EVERY_SECONDS * 1000;
  messagesQueuedAt.set(roomId, now);
  if (!quiet) messagesCoveredUntil.set(roomId, now + MESSAGE_INDEX_EVERY_SECONDS * 1000);
  const queued = enqueueJob(env, "index-messages", { roomId }, quiet ? {} : { delaySeconds: MESSAGE_INDEX_EVERY_SECONDS });
  ctx.waitUntil(
    queued.then(
      () => undefined,
      (error) => {
        messagesQueuedAt.delete(roomId);
        messagesCoveredUntil.delete(roomId);
        console.error(`room ${roomId}: queueing the message index job failed`, error);
      },
    ),
  );
}

/**
 * A room channel's message was written (indexed with the room's other new messages), edited
 * (re-indexed by its own job) or deleted: its entry is removed now (a deleted message must stop
 * being found at once), and a removal job follows in the queue, so an edit's job still queued
 * cannot bring the entry back (a history job cannot: it reads only messages still stored).
 */
export function noteChatChange(ctx: Background, env: Env, change: ChatChange): void {
  const channel = change.kind === "written" ? change.message.channel : change.channel;
  const roomId = channelRoom(channel);
  if (!roomId) return; // the global channel is not searchable: it belongs to no room
  if (change.kind === "written" && change.message.editedAt === null) return noteRoomMessage(ctx, env, roomId);
  // An edit (its seq may be indexed already, so the history job would skip it) or a removal: one job.
  const work =
    change.kind === "written"
      ? enqueueJob(env, "index-message", {
          roomId,
          messageId: change.message.id,
          // Rewrites an existing entry only: one not written yet is written, edited, by the room's
          // history job, and an edit's entry must not raise the highest indexed seq past messages
          // still waiting for it.
          edited: true,
          // The position in the channel, so a hit can open the chat at it (position column).
          seq: change.message.seq,
          // The index writes it only while this account exists (an account deletion erases it).
          authorId: change.message.userId,
          author: change.message.userName,
          body: change.message.body,
          at: Date.parse(change.message.createdAt),
        })
      : database(env)
          .delete(searchEntries)
          .where(and(eq(searchEntries.roomId, roomId), eq(searchEntries.type, "message"), eq(searchEntries.itemId, change.id)))
          .then(() => enqueueJob(env, "index-message", { roomId, messageId: change.id, deleted: true }));
  ctx.waitUntil(work.then(() => undefined, (error) => console.error("search index: a chat change was not indexed", error)));
}
