// /api/rooms: create, list, read, update and delete rooms.
import { and, desc, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { roomMembers, roomMutes, rooms, snapshots } from "../../db/schema.ts";
import { newId } from "../../shared/crypto.ts";
import { requirePrincipal, requireUser } from "../auth/guards.ts";
import type { AppEnv } from "../context.ts";
import { database } from "../../core/db.ts";
import { visibleRoomsFor } from "../../core/access.ts";
import { documentRoute } from "../openapi.ts";
import { olderThan, pageOf, readCursor } from "../pagination.ts";
import { pageQuery, readJson, readQuery } from "../validation.ts";
import { recheckConnectedUsers } from "./live-access.ts";
import { managedRoom, viewableRoom } from "./load.ts";
import { presentAccess, presentRoom } from "./present.ts";
import { purgeRoom } from "./purge.ts";
import { roomQuotaExceeded, roomQuotaOf } from "../quotas.ts";
import { insertRoomWithinQuota } from "./create-room.ts";
import { presenceStub } from "../../presence/stub.ts";
import { actorOf, recordEvent } from "../../core/events.ts";

export const roomRoutes = new Hono<AppEnv>();

const roomName = z.string().trim().min(1).max(100);
const createRoomBody = z.strictObject({
  name: roomName,
  visibility: z.enum(["public", "private"]),
  openEditing: z.boolean().default(false),
  openCommenting: z.boolean().default(false),
});
const updateRoomBody = z
  .strictObject({ name: roomName.optional(), visibility: z.enum(["public", "private"]).optional(), openEditing: z.boolean().optional(), openCommenting: z.boolean().optional() })
  .refine((body) => Object.keys(body).length > 0, { message: "Nothing to update." });

documentRoute({
  method: "post",
  path: "/api/rooms",
  summary: "Create a room (the creator is its owner)",
  auth: "signed in",
  body: createRoomBody,
  responses: { 201: "{ room }", 429: "quota_exceeded: you own MAX_ROOMS_PER_USER rooms already (admins exempt)" },
});
roomRoutes.post("/", async (c) => {
  const { user } = requireUser(c);
  const body = await readJson(c, createRoomBody);
  const now = Date.now();
  const room = { id: newId(), name: body.name, visibility: body.visibility, openEditing: body.openEditing, openCommenting: body.openCommenting, ownerId: user.id, createdAt: now, updatedAt: now };
  // One batch: a room never exists without its owner membership, nor past the owner's quota.
  const maxRooms = roomQuotaOf(c.env, requirePrincipal(c));
  if (!(await insertRoomWithinQuota(c.env, room, maxRooms))) throw roomQuotaExceeded(maxRooms!);
  return c.json({ room: presentRoom(room, "owner") }, 201);
});

documentRoute({
  method: "get",
  path: "/api/rooms",
  summary: "Rooms you may see (member of, or public), newest first",
  auth: "signed in",
  query: pageQuery,
  responses: {
    200: "{ rooms, nextCursor }; each room with lastActivityAt (its latest snapshot, taken ~30 s after an edit, its latest chat message, or its last settings change) and unread (chat messages by others after your read mark, capped at 100)",
  },
});
roomRoutes.get("/", async (c) => {
  const principal = requirePrincipal(c);
  const { limit, cursor } = readQuery(c, pageQuery);
  const after = readCursor(cursor);
  const userId = principal.user?.id ?? "";
  const afterCursor = olderThan(rooms, after);
  const rows = await database(c.env)
    .select({
      room: rooms,
      role: roomMembers.role,
      // Snapshots follow edits (30 s after the last one, at most 3 min apart): the list's "recent
      // activity" without waking every room. snapshots_room_idx makes this one index lookup.
      lastSnapshotAt: sql<number | null>`(select max(${snapshots.createdAt}) from ${snapshots} where ${snapshots.roomId} = ${rooms.id})`,
    })
    .from(rooms)
    .leftJoin(roomMembers, and(eq(roomMembers.roomId, rooms.id), eq(roomMembers.userId, userId)))
    .where(and(visibleRoomsFor(principal), afterCursor))
    .orderBy(desc(rooms.createdAt), desc(rooms.id))
    .limit(limit + 1);
  const { page, nextCursor } = pageOf(rows, limit, (row) => row.room);
  // The presence object keeps the chat and each user's read marks: two calls for the page, side by side.
  const presence = presenceStub(c.env);
  const [unread, lastMessageAt] = await Promise.all([
    principal.user ? presence.unreadCounts(principal.user.id, page.map((row) => ({ roomId: row.room.id, member: row.role !== null }))) : ({} as Record<string, number>),
    presence.lastMessageTimes(page.map((row) => row.room.id)),
  ]);
  const present = (row: (typeof page)[number]) => ({
    ...presentRoom(row.room, row.role),
    lastActivityAt: new Date(Math.max(row.room.updatedAt, row.lastSnapshotAt ?? 0, lastMessageAt[row.room.id] ?? 0)).toISOString(),
    unread: unread[row.room.id] ?? 0,
  });
  return c.json({ rooms: page.map(present), nextCursor });
});

documentRoute({
  method: "get",
  path: "/api/rooms/:id",
  summary: "A room and your role in it",
  auth: "anyone who may view the room",
  responses: { 200: "{ room, access, muted } (muted: you muted its emails)", 404: "No such room, or not yours to see" },
});
roomRoutes.get("/:id", async (c) => {
  const access = await viewableRoom(c);
  const userId = c.get("principal")?.user?.id;
  const [mute] = userId
    ? await database(c.env).select({ userId: roomMutes.userId }).from(roomMutes).where(and(eq(roomMutes.roomId, access.room.id), eq(roomMutes.userId, userId))).limit(1)
    : [];
  return c.json({
    room: presentRoom(access.room, access.role),
    access: presentAccess(access),
    muted: Boolean(mute),
  });
});

documentRoute({
  method: "patch",
  path: "/api/rooms/:id",
  summary: "Rename a room or change who may see, edit and comment on it",
  auth: "owner or admin",
  body: updateRoomBody,
  responses: { 200: "{ room }", 403: "Not the owner", 404: "No such room" },
});
roomRoutes.patch("/:id", async (c) => {
  const access = await managedRoom(c);
  const body = await readJson(c, updateRoomBody);
  const [room] = await database(c.env)
    .update(rooms)
    .set({ ...body, updatedAt: Date.now() })
    .where(eq(rooms.id, access.room.id))
    .returning();
  if (body.visibility !== undefined || body.openEditing !== undefined) await recheckConnectedUsers(c.env, room!);
  await recordEvent(c.env, { roomId: room!.id, type: "room.updated", actor: actorOf(c.get("principal")), data: { changes: body } });
  return c.json({ room: presentRoom(room!, access.role) });
});

documentRoute({
  method: "delete",
  path: "/api/rooms/:id",
  summary: "Delete a room with its document, snapshots and files",
  auth: "owner or admin",
  responses: { 204: "Deleted", 403: "Not the owner", 404: "No such room" },
});
roomRoutes.delete("/:id", async (c) => {
  const access = await managedRoom(c);
  await purgeRoom(c.env, access.room.id);
  // Kept in the global feed; the room's own feed went with it.
  await recordEvent(c.env, { roomId: access.room.id, type: "room.deleted", actor: actorOf(c.get("principal")), data: { name: access.room.name } });
  return c.body(null, 204);
});
