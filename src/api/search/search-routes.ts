// GET /api/search: everything the caller may see (documents, chat, files), one ranked list.
// Tokens need the `read` scope (the authenticate middleware checks it for every GET).
import { Hono } from "hono";
import { z } from "zod";
import type { SearchPage } from "../../shared/api-types.ts";
import { requireAdmin, requirePrincipal } from "../auth/guards.ts";
import { enqueueJob } from "../../core/jobs.ts";
import type { AppEnv } from "../context.ts";
import { documentRoute } from "../openapi.ts";
import { decodeCursor, encodeCursor, readQuery } from "../validation.ts";
import { runSearch } from "./search.ts";

export const searchRoutes = new Hono<AppEnv>();

/** Pages go this deep at most: past it, refine the search (OFFSET reads every skipped hit). */
const MAX_OFFSET = 1_000;

// `q` is bounded loosely here (so a long query gets the parser's bad_query message, not a
// validation error) and parsed by query.ts.
const searchQuery = z.object({
  q: z.string().max(20_000),
  type: z.enum(["document", "message", "comment", "file"]).optional(),
  roomId: z.string().uuid().optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().max(200).optional(),
});
const offsetCursor = z.object({ offset: z.number().int().min(0).max(MAX_OFFSET) });

documentRoute({
  method: "get",
  path: "/api/search",
  summary: "Full-text search over documents, chat messages and files in rooms you may view",
  auth: "signed in (tokens: read scope)",
  query: searchQuery,
  responses: {
    200: "{ results: [{ type, roomId, roomName, id, snippet, highlights, score, at, url }], nextCursor }",
    400: "bad_query: q is empty, too long, or uses syntax other than words, prefix*, \"phrases\" and -exclusions",
    401: "Not signed in",
  },
});
searchRoutes.get("/", async (c) => {
  const principal = requirePrincipal(c);
  const { q, type, roomId, limit, cursor } = readQuery(c, searchQuery);
  const offset = decodeCursor(cursor, offsetCursor)?.offset ?? 0;
  const { results, more } = await runSearch(c.env, principal, { q, type, roomId, limit, offset });
  const next = offset + results.length;
  const page: SearchPage = { results, nextCursor: more && next <= MAX_OFFSET ? encodeCursor({ offset: next }) : null };
  return c.json(page);
});

documentRoute({
  method: "post",
  path: "/api/search/backfill",
  summary: "Index every existing room (documents, chat, files): a chain of resumable, idempotent jobs",
  auth: "admin",
  responses: { 202: "{ jobId } (follow it at GET /api/jobs/:id)", 403: "Not an admin" },
});
searchRoutes.post("/backfill", async (c) => {
  requireAdmin(c);
  const jobId = await enqueueJob(c.env, "search-backfill", {});
  return c.json({ jobId }, 202);
});
