// /api/rooms/:id/events (the room's viewers) and /api/events (admins): the event log, oldest
// first, from an opaque cursor. `after` returns exactly the events that came later, in order:
// ids come from one AUTOINCREMENT in D1, whose writes are serialized, so a later read never
// finds an event with a smaller id than one already returned.
import { Hono } from "hono";
import { z } from "zod";
import { requireAdmin } from "../auth/guards.ts";
import type { AppEnv } from "../context.ts";
import { documentRoute } from "../openapi.ts";
import { readQuery } from "../validation.ts";
import { viewableRoom } from "../rooms/load.ts";
import { eventCursor, eventsAfter, eventTypePattern, presentEvent, readEventCursor } from "./feed.ts";
import type { EventRow } from "../../db/schema.ts";

const typesList = z
  .string()
  .max(1000)
  .transform((text) => text.split(",").map((t) => t.trim()).filter(Boolean))
  .pipe(z.array(eventTypePattern).max(20));

export const feedQuery = z.object({
  after: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  types: typesList.optional(),
});

/** The page and the cursor to pass next: the last event's, or `after` unchanged when nothing is new. */
function page(rows: EventRow[], after: string | undefined) {
  const last = rows.at(-1);
  return { events: rows.map(presentEvent), nextCursor: last ? eventCursor(last.id) : (after ?? null) };
}

export const roomEventRoutes = new Hono<AppEnv>();

documentRoute({
  method: "get",
  path: "/api/rooms/:id/events",
  summary: "The room's events, oldest first, after a cursor (pass nextCursor back as after)",
  auth: "anyone who may view the room",
  query: feedQuery,
  responses: { 200: "{ events: [{ id, roomId, seq, type, actor, data, createdAt }], nextCursor }", 400: "Bad cursor or types", 404: "No such room (or deleted)" },
});
roomEventRoutes.get("/", async (c) => {
  const access = await viewableRoom(c);
  const { after, limit, types } = readQuery(c, feedQuery);
  const rows = await eventsAfter(c.env, { afterId: readEventCursor(after), limit, roomId: access.room.id, types });
  return c.json(page(rows, after));
});

export const eventRoutes = new Hono<AppEnv>();

documentRoute({
  method: "get",
  path: "/api/events",
  summary: "Every event (all rooms and global ones such as room.deleted), oldest first, after a cursor",
  auth: "admin",
  query: feedQuery,
  responses: { 200: "{ events, nextCursor }", 400: "Bad cursor or types", 403: "Not an admin" },
});
eventRoutes.get("/", async (c) => {
  requireAdmin(c);
  const { after, limit, types } = readQuery(c, feedQuery);
  const rows = await eventsAfter(c.env, { afterId: readEventCursor(after), limit, types });
  return c.json(page(rows, after));
});
