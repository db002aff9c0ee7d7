// /api/inbox: the caller's notifications (mentions, replies, invitations, access changes),
// newest first, and marking them read. Every tab's bell follows over the chat socket.
import { Hono } from "hono";
import { z } from "zod";
import { presenceStub } from "../../presence/stub.ts";
import { renderMentions } from "../../shared/mentions.ts";
import { shownName } from "../../shared/display-name.ts";
import type * as Api from "../../shared/api-types.ts";
import { requireUser } from "../auth/guards.ts";
import type { AppEnv } from "../context.ts";
import { documentRoute } from "../openapi.ts";
import { olderThan, pageOf, readCursor } from "../pagination.ts";
import { idSchema, readJson, readQuery } from "../validation.ts";
import { inboxPage, markRead, mentionNames, unreadCount } from "./store.ts";
import { notifications as notificationsKeys } from "../../db/schema.ts";

export const inboxRoutes = new Hono<AppEnv>();

const inboxQuery = z.object({
  unread: z.enum(["true", "false"]).default("false"),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z.string().max(200).optional(),
});
const readBody = z.union([z.strictObject({ ids: z.array(idSchema).min(1).max(100) }), z.strictObject({ all: z.literal(true) })]);

documentRoute({
  method: "get",
  path: "/api/inbox",
  summary: "Your notifications, newest first (unread=true for unread only)",
  auth: "signed in",
  query: inboxQuery,
  responses: { 200: "{ notifications: [{ id, kind, roomId, roomName, actor, excerpt, url, createdAt, readAt }], unreadCount, nextCursor }" },
});
inboxRoutes.get("/", async (c) => {
  const { user } = requireUser(c);
  const { unread, limit, cursor } = readQuery(c, inboxQuery);
  const rows = await inboxPage(c.env, user.id, { unread: unread === "true", after: olderThan(notificationsKeys, readCursor(cursor)), limit });
  const { page, nextCursor } = pageOf(rows, limit, (row) => row.notification);
  const names = await mentionNames(c.env, page.map((row) => row.notification.excerpt));
  const notifications: Api.Notification[] = page.map(({ notification: n, roomName, actorName }) => ({
    id: n.id,
    kind: n.kind,
    roomId: n.roomId,
    roomName,
    actor: n.actorId ? { id: n.actorId, name: actorName ? shownName(actorName) : null } : null,
    excerpt: renderMentions(n.excerpt, names),
    url: n.url,
    createdAt: new Date(n.createdAt).toISOString(),
    readAt: n.readAt === null ? null : new Date(n.readAt).toISOString(),
  }));
  return c.json({ notifications, unreadCount: await unreadCount(c.env, user.id), nextCursor });
});

documentRoute({
  method: "post",
  path: "/api/inbox/read",
  summary: "Mark notifications read: { ids } (yours only) or { all: true }",
  auth: "signed in",
  body: readBody,
  responses: { 200: "{ unreadCount }" },
});
inboxRoutes.post("/read", async (c) => {
  const { user } = requireUser(c);
  const body = await readJson(c, readBody);
  await markRead(c.env, user.id, body);
  const count = await unreadCount(c.env, user.id);
  await presenceStub(c.env).pushInbox(user.id, count);
  return c.json({ unreadCount: count });
});
