// A room's notification settings for the caller: mute (no emails from this room) and the chat
// read mark that unread counts are measured from.
import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { roomMutes } from "../../db/schema.ts";
import { database } from "../../core/db.ts";
import { presenceStub } from "../../presence/stub.ts";
import { roomChannel } from "../../shared/chat-protocol.ts";
import { requireUser } from "../auth/guards.ts";
import type { AppEnv } from "../context.ts";
import { documentRoute } from "../openapi.ts";
import { viewableRoom } from "../rooms/load.ts";
import { readJson } from "../validation.ts";

export const roomMuteRoutes = new Hono<AppEnv>();
export const roomReadRoutes = new Hono<AppEnv>();

documentRoute({
  method: "put",
  path: "/api/rooms/:id/mute",
  summary: "Mute a room: its notifications stay in your inbox but are never emailed",
  auth: "room viewers",
  responses: { 204: "Muted", 404: "No such room" },
});
roomMuteRoutes.put("/", async (c) => {
  const { user } = requireUser(c);
  const access = await viewableRoom(c);
  await database(c.env).insert(roomMutes).values({ roomId: access.room.id, userId: user.id }).onConflictDoNothing();
  return c.body(null, 204);
});

documentRoute({
  method: "delete",
  path: "/api/rooms/:id/mute",
  summary: "Unmute a room",
  auth: "room viewers",
  responses: { 204: "Unmuted", 404: "No such room" },
});
roomMuteRoutes.delete("/", async (c) => {
  const { user } = requireUser(c);
  const access = await viewableRoom(c);
  await database(c.env).delete(roomMutes).where(and(eq(roomMutes.roomId, access.room.id), eq(roomMutes.userId, user.id)));
  return c.body(null, 204);
});

const readBody = z.strictObject({ seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) });

documentRoute({
  method: "post",
  path: "/api/rooms/:id/read",
  summary: "Mark the room's chat read up to a message's seq (never backwards); every tab of yours is told",
  auth: "room viewers",
  body: readBody,
  responses: { 200: "{ seq } (the stored mark)", 404: "No such room" },
});
roomReadRoutes.post("/", async (c) => {
  const { user } = requireUser(c);
  const access = await viewableRoom(c);
  const { seq } = await readJson(c, readBody);
  return c.json({ seq: await presenceStub(c.env).markRead(user.id, roomChannel(access.room.id), seq) });
});
