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

function messageJobPayload(roomId: string, message: ChatMessage) {
  return {
    roomId,
    messageId: message.id,
    // The position in the channel, so a hit can open the chat at it (position column).
    seq: message.seq,
    // The index writes it only while this account exists (an account deletion erases it).
    authorId: message.userId,
    author: message.userName,
    body: message.body,
    at: Date.parse(message.createdAt),
  };
}

/** New chat messages of one room are indexed by at most about two jobs per this many seconds. */
export const MESSAGE_INDEX_EVERY_SECONDS = 1;

/** Per room: when its last index-messages job was queued, and until when a delayed one covers new messages. */
const messagesQueuedAt = new Map<string, number>();
const messagesCoveredUntil = new Map<string, number>();

/**
 * A new message in `roomId`. One job per message (a D1 row, a queue hop, the consumer's writes)
 * cost more than the chat itself when one room is busy. So: the first message after a quiet
 * second gets its own cheap `index-message` job (the message is in its payload, no history read:
 * most rooms are quiet most of the time); a later message within that second queues one
 * `index-messages` job, delayed by the queue itself, that reads the room's history from that
 * message's seq on when it runs, and messages stored before it runs need no job of their own.
 * Nothing is lost with this memory (an evicted object queues one job too many): every message
 * either queues a job or is stored before a queued, delayed one that covers it runs.
 */
function noteRoomMessage(ctx: Background, env: Env, roomId: string, message: ChatMessage): void {
  const now = Date.now();
  if ((messagesCoveredUntil.get(roomId) ?? 0) > now) return;
  const quiet = now - (messagesQueuedAt.get(roomId) ?? 0) >= MESSAGE_INDEX_EVERY_SECONDS * 1000;
  messagesQueuedAt.set(roomId, now);
  if (!quiet) messagesCoveredUntil.set(roomId, now + MESSAGE_INDEX_EVERY_SECONDS * 1000);
  const queued = quiet
    ? enqueueJob(env, "index-message", messageJobPayload(roomId, message))
    : enqueueJob(env, "index-messages", { roomId, fromSeq: message.seq }, { delaySeconds: MESSAGE_INDEX_EVERY_SECONDS });
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
 * A room channel's message was written (noteRoomMessage), edited (re-indexed by its own job) or
 * deleted: its entry is removed now (a deleted message must stop being found at once), and a
 * removal job follows in the queue, so a write's or edit's job still queued cannot bring the
 * entry back (a history job cannot: it reads only messages still stored).
 */
export function noteChatChange(ctx: Background, env: Env, change: ChatChange): void {
  const channel = change.kind === "written" ? change.message.channel : change.channel;
  const roomId = channelRoom(channel);
  if (!roomId) return; // the global channel is not searchable: it belongs to no room
  if (change.kind === "written" && change.message.editedAt === null) return noteRoomMessage(ctx, env, roomId, change.message);
  // An edit (the history job may have passed it) or a removal: a job of its own.
  const work =
    change.kind === "written"
      ? enqueueJob(env, "index-message", messageJobPayload(roomId, change.message))
      : database(env)
          .delete(searchEntries)
          .where(and(eq(searchEntries.roomId, roomId), eq(searchEntries.type, "message"), eq(searchEntries.itemId, change.id)))
          .then(() => enqueueJob(env, "index-message", { roomId, messageId: change.id, deleted: true }));
  ctx.waitUntil(work.then(() => undefined, (error) => console.error("search index: a chat change was not indexed", error)));
}
