// /api/jobs: what the queue did, for admins.
import { and, desc, eq, or } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { jobs } from "../../db/schema.ts";
import { JOB_TYPES } from "../../shared/jobs.ts";
import { requireAdmin } from "../auth/guards.ts";
import type { AppEnv } from "../context.ts";
import { database } from "../../core/db.ts";
import { notFound } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { olderThan, pageOf, readCursor } from "../pagination.ts";
import { pageQuery, readParams, readQuery } from "../validation.ts";

export const jobRoutes = new Hono<AppEnv>();

const listQuery = pageQuery.extend({
  type: z.enum(JOB_TYPES).optional(),
  status: z.enum(["queued", "running", "done", "failed"]).optional(),
});
/** Job ids are UUIDs or stable keys such as `welcome:<userId>`. */
const jobParams = z.object({ id: z.string().min(1).max(100) });

documentRoute({
  method: "get",
  path: "/api/jobs",
  summary: "Jobs, newest first, by type and status",
  auth: "admin",
  query: listQuery,
  responses: { 200: "{ jobs, nextCursor }", 403: "Not an admin" },
});
jobRoutes.get("/", async (c) => {
  requireAdmin(c);
  const { type, status, limit, cursor } = readQuery(c, listQuery);
  const after = readCursor(cursor);
  const rows = await database(c.env)
    .select()
    .from(jobs)
    .where(
      and(
        type ? eq(jobs.type, type) : undefined,
        status ? eq(jobs.status, status) : undefined,
        olderThan(jobs, after),
      ),
    )
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(limit + 1);
  const { page, nextCursor } = pageOf(rows, limit, (row) => row);
  return c.json({ jobs: page, nextCursor });
});

documentRoute({
  method: "get",
  path: "/api/jobs/:id",
  summary: "One job with its attempts and last error",
  auth: "admin",
  responses: { 200: "{ job }", 404: "Not found" },
});
jobRoutes.get("/:id", async (c) => {
  requireAdmin(c);
  const { id } = readParams(c, jobParams);
  const [job] = await database(c.env).select().from(jobs).where(eq(jobs.id, id)).limit(1);
  if (!job) throw notFound("Job");
  return c.json({ job });
});
