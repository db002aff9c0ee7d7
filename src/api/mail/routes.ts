// /api/outbox: mail the local sender "sent", newest first, for admins (and tests).
import { and, desc, eq, lt, or } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { outbox } from "../../db/schema.ts";
import { requireAdmin } from "../auth/guards.ts";
import type { AppEnv } from "../context.ts";
import { database } from "../db.ts";
import { documentRoute } from "../openapi.ts";
import { decodeCursor, encodeCursor, pageQuery, readQuery } from "../validation.ts";

export const outboxRoutes = new Hono<AppEnv>();
const cursorSchema = z.object({ createdAt: z.number(), id: z.string() });

documentRoute({
  method: "get",
  path: "/api/outbox",
  summary: "Mail written by the outbox sender",
  auth: "admin",
  query: pageQuery,
  responses: { 200: "{ mail, nextCursor }", 403: "Not an admin" },
});
outboxRoutes.get("/", async (c) => {
  requireAdmin(c);
  const { limit, cursor } = readQuery(c, pageQuery);
  const after = decodeCursor(cursor, cursorSchema);
  const rows = await database(c.env)
    .select()
    .from(outbox)
    .where(
      after
        ? or(lt(outbox.createdAt, after.createdAt), and(eq(outbox.createdAt, after.createdAt), lt(outbox.id, after.id)))
        : undefined,
    )
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
  return c.json({ mail: page, nextCursor });
});
