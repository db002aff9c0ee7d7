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

/**
 * A room channel's message was written or edited (queued for indexing) or deleted: its entry is
 * removed now (a deleted message must stop being found at once), and a removal job follows the
 * write's job in the queue, so a write still queued cannot bring the entry back.
 */
export function noteChatChange(ctx: Background, env: Env, change: ChatChange): void {
  const channel = change.kind === "written" ? change.message.channel : change.channel;
  const roomId = channelRoom(channel);
  if (!roomId) return; // the global channel is not searchable: it belongs to no room
  const work =
    change.kind === "written"
      ? enqueueJob(env, "index-message", {
          roomId,
          messageId: change.message.id,
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
