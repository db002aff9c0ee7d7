// GET /api/presence: who is online and how many people are in each room, limited to the
// rooms the caller may see. The object reports everything; the access policy's SQL
// (visibleRoomsFor, src/core/access.ts) decides what the caller sees.
import { and, inArray } from "drizzle-orm";
import { Hono } from "hono";
import { rooms } from "../../db/schema.ts";
import { presenceStub } from "../../presence/stub.ts";
import type { Env } from "../../env.ts";
import type { Principal } from "../auth/principal.ts";
import { requirePrincipal } from "../auth/guards.ts";
import type { AppEnv } from "../context.ts";
import { database } from "../../core/db.ts";
import { visibleRoomsFor } from "../../core/access.ts";
import { documentRoute } from "../openapi.ts";
import type { PresenceSummary } from "../../shared/api-types.ts";

export const presenceRoutes = new Hono<AppEnv>();

/** D1 allows 100 bound parameters per statement (PLATFORM.md); stay well below. */
const CHUNK = 90;

async function visibleRoomIds(env: Env, principal: Principal, roomIds: string[]): Promise<Set<string>> {
  const mayView = visibleRoomsFor(principal);
  if (!mayView) return new Set(roomIds); // no condition: sees every room, no query needed
  const visible = new Set<string>();
  for (let i = 0; i < roomIds.length; i += CHUNK) {
    const rows = await database(env)
      .select({ id: rooms.id })
      .from(rooms)
      .where(and(inArray(rooms.id, roomIds.slice(i, i + CHUNK)), mayView));
    for (const row of rows) visible.add(row.id);
  }
  return visible;
}

documentRoute({
  method: "get",
  path: "/api/presence",
  summary: "Who is online, and how many users are in each room you may see",
  auth: "signed in",
  responses: { 200: "{ users: [{ id, name, colour, rooms, lastActive }], rooms: [{ roomId, count }] }" },
});
presenceRoutes.get("/", async (c) => {
  const principal = requirePrincipal(c);
  const online = await presenceStub(c.env).online();
  const roomIds = [...new Set(online.flatMap((entry) => entry.rooms.map((r) => r.id)))];
  const visible = await visibleRoomIds(c.env, principal, roomIds);
  const users = online.map((entry) => ({
    id: entry.id,
    name: entry.name,
    colour: entry.colour,
    rooms: entry.rooms.filter((room) => visible.has(room.id)).map((room) => room.id),
    lastActive: new Date(entry.lastActive).toISOString(),
  }));
  const counts = new Map<string, number>();
  for (const user of users) for (const roomId of user.rooms) counts.set(roomId, (counts.get(roomId) ?? 0) + 1);
  const summary: PresenceSummary = {
    users,
    rooms: [...counts].map(([roomId, count]) => ({ roomId, count })).sort((a, b) => b.count - a.count || a.roomId.localeCompare(b.roomId)),
  };
  return c.json(summary);
});
