// /api/files: list, download (ranges, conditional requests), metadata, thumbnail, delete.
// A file the caller may not see is a 404, exactly like a file that does not exist.
import { and, desc, eq, notInArray, or } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { files, type FileRow } from "../../db/schema.ts";
import { optionalPrincipal, requirePrincipal } from "../auth/guards.ts";
import type { AppContext, AppEnv } from "../context.ts";
import { database } from "../../core/db.ts";
import { ApiError, forbidden, notFound } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { olderThan, pageOf, readCursor } from "../pagination.ts";
import { roomAccess } from "../../core/access.ts";
import { idParams, pageQuery, readParams, readQuery } from "../validation.ts";
import { contentDisposition, presentFile, servedType } from "./present.ts";
import { parseRange } from "./range.ts";
import { canSeeFile, deleteFileRow, loadFile } from "./store.ts";
import { actorOf, recordEvent } from "../../core/events.ts";

export const fileRoutes = new Hono<AppEnv>();

const listQuery = pageQuery.extend({ roomId: z.string().uuid().optional() });

async function visibleFile(c: AppContext): Promise<FileRow> {
  const { id } = readParams(c, idParams);
  const file = await loadFile(c.env, id);
  // Unfinished uploads and files the processing job rejected are never served.
  if (!file || file.status === "uploading" || file.status === "rejected" || !(await canSeeFile(c.env, file, optionalPrincipal(c)))) {
    throw notFound("File");
  }
  return file;
}

function cacheControl(file: FileRow): string {
  // Private bytes must not sit in shared caches; browsers revalidate with the ETag.
  return file.visibility === "public" ? "public, max-age=300" : "private, no-cache";
}

documentRoute({
  method: "get",
  path: "/api/files",
  summary: "Files the caller may see: a room's files, or your own (admins: all)",
  auth: "signed in",
  query: listQuery,
  responses: { 200: "{ files, nextCursor }", 404: "Room not found" },
});
fileRoutes.get("/", async (c) => {
  const principal = requirePrincipal(c);
  const { roomId, limit, cursor } = readQuery(c, listQuery);
  const after = readCursor(cursor);
  let scope;
  if (roomId) {
    if (!(await roomAccess(c.env, roomId, principal))?.canView) throw notFound("Room");
    scope = eq(files.roomId, roomId);
  } else if (!principal.isAdmin) {
    scope = eq(files.ownerId, principal.user!.id);
  }
  const rows = await database(c.env)
    .select()
    .from(files)
    .where(
      and(
        scope,
        notInArray(files.status, ["uploading", "rejected"]),
        olderThan(files, after),
      ),
    )
    .orderBy(desc(files.createdAt), desc(files.id))
    .limit(limit + 1);
  const { page, nextCursor } = pageOf(rows, limit, (row) => row);
  return c.json({ files: page.map(presentFile), nextCursor });
});

documentRoute({
  method: "get",
  path: "/api/files/:id",
  summary: "Download a file (Range → 206, If-None-Match → 304)",
  auth: "public files: anyone; private: owner, room members, admins",
  responses: { 200: "The bytes", 206: "A byte range", 304: "Not modified", 404: "Not found", 416: "Bad range" },
});
fileRoutes.get("/:id", async (c) => {
  const file = await visibleFile(c);
  const range = parseRange(c.req.header("range"), file.size);
  if (range === "unsatisfiable") {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${file.size}` } });
  }
  // R2 evaluates If-None-Match / If-Modified-Since itself; a failed condition has no body.
  const object = await c.env.STORAGE.get(file.r2Key, { onlyIf: c.req.raw.headers, range: range ?? undefined });
  if (!object) throw notFound("File");
  const headers = new Headers({
    ETag: object.httpEtag,
    "Last-Modified": object.uploaded.toUTCString(),
    "Cache-Control": cacheControl(file),
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Accept-Ranges": "bytes",
  });
  if (!("body" in object)) {
    const conditional = c.req.header("if-none-match") || c.req.header("if-modified-since");
    if (!conditional) throw new ApiError(412, "precondition_failed", "A precondition failed.");
    return new Response(null, { status: 304, headers });
  }
  headers.set("Content-Type", servedType(file));
  headers.set("Content-Disposition", contentDisposition(file));
  if (range) {
    headers.set("Content-Length", String(range.length));
    headers.set("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${object.size}`);
    return new Response(object.body, { status: 206, headers });
  }
  headers.set("Content-Length", String(object.size));
  return new Response(object.body, { status: 200, headers });
});

documentRoute({
  method: "get",
  path: "/api/files/:id/meta",
  summary: "A file's metadata",
  auth: "as for the download",
  responses: { 200: "{ file }", 404: "Not found" },
});
fileRoutes.get("/:id/meta", async (c) => c.json({ file: presentFile(await visibleFile(c)) }));

documentRoute({
  method: "get",
  path: "/api/files/:id/thumbnail",
  summary: "A PNG thumbnail of an image, once the process-file job made it",
  auth: "as for the download",
  responses: { 200: "image/png", 404: "Not found or no thumbnail (yet)" },
});
fileRoutes.get("/:id/thumbnail", async (c) => {
  const file = await visibleFile(c);
  const object = file.thumbnailKey ? await c.env.STORAGE.get(file.thumbnailKey) : null;
  if (!object) throw notFound("Thumbnail");
  return new Response(object.body, {
    headers: {
      "Content-Type": "image/png",
      "Content-Length": String(object.size),
      ETag: object.httpEtag,
      "Cache-Control": cacheControl(file),
      "X-Content-Type-Options": "nosniff",
    },
  });
});

documentRoute({
  method: "delete",
  path: "/api/files/:id",
  summary: "Delete a file and its bytes",
  auth: "the owner or an admin",
  responses: { 204: "Deleted", 403: "Not the owner", 404: "Not found" },
});
fileRoutes.delete("/:id", async (c) => {
  const file = await visibleFile(c);
  const principal = requirePrincipal(c);
  if (!principal.isAdmin && principal.user?.id !== file.ownerId) throw forbidden("Only the owner may delete a file.");
  await c.env.STORAGE.delete([file.r2Key, ...(file.thumbnailKey ? [file.thumbnailKey] : [])]);
  await deleteFileRow(c.env, file.id);
  if (file.roomId) await recordEvent(c.env, { roomId: file.roomId, type: "file.deleted", actor: actorOf(c.get("principal")), data: { fileId: file.id, name: file.name } });
  return c.body(null, 204);
});
