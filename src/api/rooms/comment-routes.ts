// /api/rooms/:id/comments: comment threads anchored in the room's document, for scripts and the
// web client. The room object stores them and announces every change to the room's sockets;
// this router checks the caller's rights (src/core/access.ts) and puts current names on authors.
import { Hono } from "hono";
import { z } from "zod";
import { roomStub, type CommentFailure } from "../../rooms/stub.ts";
import type { AnchorRequest, CommentActor, CommentResult } from "../../rooms/comments/threads.ts";
import { MAX_COMMENT_CHARS, MAX_QUOTE_CHARS, type Thread } from "../../shared/comments.ts";
import { shownName } from "../../shared/display-name.ts";
import { MAX_MENTIONS, mentionedIds } from "../../shared/mentions.ts";
import { notifyLater } from "../../core/notifications.ts";
import { actorOf, recordEvent } from "../../core/events.ts";
import { indexThread, unindexThread } from "../search/index-comment.ts";
import { requirePrincipal } from "../auth/guards.ts";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError, forbidden, notFound, tooManyRequests } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { idSchema, readJson, readParams, readQuery } from "../validation.ts";
import { commentableRoom, viewableRoom } from "./load.ts";
import { currentNames } from "../users/names.ts";
import { fromBase64 } from "../../shared/base64.ts";
import type { RoomAccess } from "../../core/access.ts";

export const commentRoutes = new Hono<AppEnv>();

const SYSTEM_AUTHOR = "Roomful";
/** A Yjs relative position, base64: a few dozen bytes; the cap only stops abuse. */
const relativePosition = z.base64().max(256);

const body = z
  .string()
  .trim()
  .min(1, "A comment needs some text.")
  .max(MAX_COMMENT_CHARS)
  .refine((text) => mentionedIds(text).length <= MAX_MENTIONS, `At most ${MAX_MENTIONS} mentions in one comment.`);
const statusQuery = z.object({ status: z.enum(["open", "resolved", "all"]).default("open") });
const createBody = z.strictObject({
  body,
  anchor: z.union([
    z.strictObject({ quote: z.string().min(1).max(MAX_QUOTE_CHARS), occurrence: z.number().int().min(1).max(10_000).optional() }),
    z.strictObject({ start: relativePosition, end: relativePosition }),
  ]),
});
const replyBody = z.strictObject({ body });
const resolveBody = z.strictObject({ resolved: z.boolean() });
const threadParams = z.object({ id: idSchema, threadId: idSchema });
const commentParams = threadParams.extend({ commentId: idSchema });

const REFUSALS: Record<CommentFailure, () => ApiError> = {
  thread_not_found: () => notFound("Thread"),
  comment_not_found: () => notFound("Comment"),
  not_author: () => forbidden("Only its author may do that (owners and admins may delete it)."),
  anchor_not_found: () => new ApiError(422, "anchor_not_found", "The quoted text is not in the document."),
  limit_reached: () => new ApiError(409, "limit_reached", "This room or thread holds as many comments as it may."),
  room_reset: () => new ApiError(409, "room_reset", "The room was reset while applying the change; retry."),
  rate_limited: () => tooManyRequests("Too many comments at once; slow down."),
};

function valueOf<T>(c: AppContext, result: CommentResult<T> | { ok: false; refusal: "room_reset" }): T {
  if (result.ok) return result.value;
  if ("retryAfterMs" in result && result.retryAfterMs) c.header("retry-after", String(Math.ceil(result.retryAfterMs / 1000)));
  throw REFUSALS[result.refusal]();
}

function commentActor(c: AppContext, access: RoomAccess): CommentActor {
  const { user } = requirePrincipal(c);
  return { id: user?.id ?? null, name: user ? shownName(user.name) : SYSTEM_AUTHOR, canManage: access.canManage };
}

/**
 * Who a comment reaches: the people it mentions and, for a reply, everyone else who wrote in the
 * thread. The notify job keeps only those who may view the room.
 */
function notifyAbout(c: AppContext, access: RoomAccess, thread: Thread, commentId: string, isReply: boolean): void {
  const comment = thread.comments.find((m) => m.id === commentId);
  if (!comment) return;
  const actorId = comment.author.id;
  const base = { roomId: access.room.id, actorId, excerpt: comment.body, url: `/#/rooms/${access.room.id}?thread=${thread.id}`, sourceId: comment.id };
  const mentioned = mentionedIds(comment.body);
  if (mentioned.length > 0) notifyLater(c.executionCtx, c.env, { ...base, kind: "mention", userIds: mentioned });
  if (!isReply) return;
  const participants = [...new Set(thread.comments.map((m) => m.author.id).filter((id): id is string => id !== null && !mentioned.includes(id)))];
  notifyLater(c.executionCtx, c.env, { ...base, kind: "reply", userIds: participants });
}

/** After a change: comment.* in the room's event log (ids only: readers fetch the thread), and the thread's search entry. */
async function commentEvent(c: AppContext, access: RoomAccess, type: string, data: { threadId: string } & Record<string, unknown>, thread?: Thread): Promise<void> {
  await recordEvent(c.env, { roomId: access.room.id, type, actor: actorOf(c.get("principal")), data });
  if (thread) await indexThread(c.env, access.room.id, thread);
  else if (data.threadDeleted) await unindexThread(c.env, access.room.id, data.threadId);
}

/** Authors as they are called now; a deleted account's comments stay, with no name. */
async function withCurrentNames(c: AppContext, threads: Thread[]): Promise<Thread[]> {
  const names = await currentNames(c.env, threads.flatMap((t) => t.comments.map((m) => m.author.id)).filter((id): id is string => id !== null));
  return threads.map((thread) => ({
    ...thread,
    comments: thread.comments.map((m) => ({ ...m, author: { id: m.author.id, name: m.author.id === null ? SYSTEM_AUTHOR : (names.get(m.author.id) ?? null) } })),
  }));
}

documentRoute({
  method: "get",
  path: "/api/rooms/:id/comments",
  summary: "Comment threads in document order (status=open|resolved|all, default open); each with the text under its anchor",
  auth: "anyone who may view the room",
  query: statusQuery,
  responses: { 200: "{ threads: [{ id, anchor: { quote, orphaned, start, end }, resolved, createdAt, comments }] }", 404: "No such room" },
});
commentRoutes.get("/", async (c) => {
  const { status } = readQuery(c, statusQuery);
  const access = await viewableRoom(c);
  const threads = await roomStub(c.env, access.room.id).listComments(status);
  return c.json({ threads: await withCurrentNames(c, threads) });
});

documentRoute({
  method: "post",
  path: "/api/rooms/:id/comments",
  summary: "Start a thread on the n-th occurrence of a quote (default the first), or on a range given as Yjs relative positions",
  auth: "commenters, editors and owners (and signed-in users in public rooms that allow comments)",
  body: createBody,
  responses: { 201: "{ thread }", 403: "May view but not comment", 404: "No such room", 409: "limit_reached", 422: "anchor_not_found" },
});
commentRoutes.post("/", async (c) => {
  const access = await commentableRoom(c);
  const { body, anchor } = await readJson(c, createBody);
  const request: AnchorRequest = "quote" in anchor ? anchor : { start: fromBase64(anchor.start), end: fromBase64(anchor.end) };
  const thread = valueOf(c, await roomStub(c.env, access.room.id).createThread(commentActor(c, access), body, request));
  notifyAbout(c, access, thread, thread.comments[0]!.id, false);
  await commentEvent(c, access, "comment.created", { threadId: thread.id, commentId: thread.comments[0]!.id }, thread);
  return c.json({ thread }, 201);
});

documentRoute({
  method: "post",
  path: "/api/rooms/:id/comments/:threadId/replies",
  summary: "Reply in a thread",
  auth: "commenters, editors and owners",
  body: replyBody,
  responses: { 201: "{ thread }", 403: "May not comment", 404: "No such room or thread", 409: "limit_reached" },
});
commentRoutes.post("/:threadId/replies", async (c) => {
  const { threadId } = readParams(c, threadParams);
  const access = await commentableRoom(c);
  const { body } = await readJson(c, replyBody);
  const thread = valueOf(c, await roomStub(c.env, access.room.id).replyToThread(commentActor(c, access), threadId, body));
  notifyAbout(c, access, thread, thread.comments.at(-1)!.id, true);
  await commentEvent(c, access, "comment.replied", { threadId: thread.id, commentId: thread.comments.at(-1)!.id }, thread);
  return c.json({ thread }, 201);
});

documentRoute({
  method: "patch",
  path: "/api/rooms/:id/comments/:threadId",
  summary: "Resolve or reopen a thread",
  auth: "commenters, editors and owners",
  body: resolveBody,
  responses: { 200: "{ thread }", 403: "May not comment", 404: "No such room or thread" },
});
commentRoutes.patch("/:threadId", async (c) => {
  const { threadId } = readParams(c, threadParams);
  const access = await commentableRoom(c);
  const { resolved } = await readJson(c, resolveBody);
  const thread = valueOf(c, await roomStub(c.env, access.room.id).setThreadResolved(threadId, resolved));
  await commentEvent(c, access, resolved ? "comment.resolved" : "comment.reopened", { threadId }, thread);
  return c.json({ thread });
});

documentRoute({
  method: "patch",
  path: "/api/rooms/:id/comments/:threadId/replies/:commentId",
  summary: "Edit your own comment (the thread's first one included)",
  auth: "the comment's author, while they may comment",
  body: replyBody,
  responses: { 200: "{ thread }", 403: "Not the author", 404: "No such room, thread or comment" },
});
commentRoutes.patch("/:threadId/replies/:commentId", async (c) => {
  const { threadId, commentId } = readParams(c, commentParams);
  const access = await commentableRoom(c);
  const { body } = await readJson(c, replyBody);
  const thread = valueOf(c, await roomStub(c.env, access.room.id).editComment(commentActor(c, access), threadId, commentId, body));
  // A mention added by the edit notifies; one that was there already was notified (same source id).
  notifyAbout(c, access, thread, commentId, false);
  await commentEvent(c, access, "comment.edited", { threadId, commentId }, thread);
  return c.json({ thread });
});

documentRoute({
  method: "delete",
  path: "/api/rooms/:id/comments/:threadId/replies/:commentId",
  summary: "Delete a comment; deleting the thread's first comment deletes the thread",
  auth: "the comment's author, or the room's owner or an admin",
  responses: { 204: "Deleted", 403: "Not the author", 404: "No such room, thread or comment" },
});
commentRoutes.delete("/:threadId/replies/:commentId", async (c) => {
  const { threadId, commentId } = readParams(c, commentParams);
  const access = await viewableRoom(c);
  const { threadDeleted, thread } = valueOf(c, await roomStub(c.env, access.room.id).deleteComment(commentActor(c, access), threadId, commentId));
  await commentEvent(c, access, "comment.deleted", { threadId, commentId, threadDeleted }, thread ?? undefined);
  return c.body(null, 204);
});
