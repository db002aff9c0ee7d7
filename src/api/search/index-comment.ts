// Comment threads in the search index: one entry per thread, its quote as the title and its
// comments as the body, rewritten whenever the thread changes (small, on the comment routes'
// own request) and removed with the thread.
import type { Env } from "../../env.ts";
import type { Thread } from "../../shared/comments.ts";
import { removeEntry, upsertEntry } from "./entries.ts";

export function indexThread(env: Env, roomId: string, thread: Thread): Promise<void> {
  return upsertEntry(env, {
    type: "comment",
    roomId,
    itemId: thread.id,
    title: thread.anchor.quote,
    body: thread.comments.map((comment) => comment.body).join("\n"),
    position: null,
    at: Date.now(),
  });
}

export function unindexThread(env: Env, roomId: string, threadId: string): Promise<void> {
  return removeEntry(env, roomId, "comment", threadId);
}
