// /api/outbox: mail the local sender "sent", newest first, for admins (and tests).
import { and, desc } from "drizzle-orm";
import { Hono } from "hono";
import { outbox } from "../../db/schema.ts";
import { requireAdmin } from "../auth/guards.ts";
import type { AppEnv } from "../context.ts";
import { database } from "../../core/db.ts";
import { documentRoute } from "../openapi.ts";
import { olderThan, pageOf, readCursor } from "../pagination.ts";
import { pageQuery, readQuery } from "../validation.ts";

export const outboxRoutes = new Hono<AppEnv>();

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
  const after = readCursor(cursor);
  const rows = await database(c.env)
    .select()
    .from(outbox)
    .where(
      olderThan(outbox, after),
    )
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(limit + 1);
  const { page, nextCursor } = pageOf(rows, limit, (row) => row);
  return c.json({ mail: page, nextCursor });
});
