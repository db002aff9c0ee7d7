// /api/rooms/:id/document: the room's document for admin scripts, as Markdown, HTML,
// text, ProseMirror JSON or the raw Yjs state; PUT replaces and POST .../append appends,
// both as one live edit that connected editors see at once.
import { Hono } from "hono";
import { z } from "zod";
import { ContentKind, documentFromState, DocumentFormatError, parseContent, renderDocument } from "../../rooms/document/convert.ts";
import { roomStub } from "../../rooms/stub.ts";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError, badRequest } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { MAX_DOCUMENT_BYTES } from "../body-limits.ts";
import { readQuery, readText } from "../validation.ts";
import { editableRoom, viewableRoom } from "./load.ts";
import { assertApplied } from "./room-calls.ts";
import { preconditionFailed, readPrecondition } from "./preconditions.ts";
import { actorOf } from "../../core/events.ts";
import { streamAppend } from "./streamed-append.ts";

export const documentRoutes = new Hono<AppEnv>();

const exportFormat = z.enum(["json", "markdown", "html", "text", "yjs"]);
export const formatQuery = z.object({ format: exportFormat.default("json") });

const CONTENT_TYPES: Record<z.infer<typeof exportFormat>, string> = {
  json: "application/json; charset=utf-8",
  markdown: "text/markdown; charset=utf-8",
  html: "text/html; charset=utf-8",
  text: "text/plain; charset=utf-8",
  yjs: "application/octet-stream",
};

/** Renders a Yjs state in the requested format (shared with the snapshot routes). */
export function renderState(c: AppContext, state: Uint8Array, format: z.infer<typeof exportFormat>): Response {
  if (format === "yjs") {
    return c.body(state as Uint8Array<ArrayBuffer>, 200, { "content-type": CONTENT_TYPES.yjs, "content-security-policy": "sandbox; default-src 'none'" });
  }
  const node = documentFromState(state);
  if (format === "json") return c.json(renderDocument(node, "json"));
  return c.body(renderDocument(node, format), 200, {
    "content-type": CONTENT_TYPES[format],
    "x-content-type-options": "nosniff",
    // Served from the API's origin: opened directly, the document must not run as a page there.
    "content-security-policy": "sandbox; default-src 'none'",
  });
}

function contentKindOf(contentType: string | undefined): ContentKind {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "text/markdown") return "markdown";
  if (type === "text/html") return "html";
  if (type === "text/plain") return "text";
  if (type === "application/json") return "json";
  throw new ApiError(415, "unsupported_media_type", "Send text/markdown, text/html, text/plain or application/json.");
}

documentRoute({
  method: "get",
  path: "/api/rooms/:id/document",
  summary: "The room's document (format=json|markdown|html|text|yjs)",
  auth: "anyone who may view the room",
  query: formatQuery,
  responses: { 200: "The document, with its version's ETag", 304: "If-None-Match holds the current ETag", 404: "No such room" },
});
documentRoutes.get("/", async (c) => {
  const { format } = readQuery(c, formatQuery);
  const access = await viewableRoom(c);
  const room = roomStub(c.env, access.room.id);
  // A copy that is still current costs no export: 304 (the ETag names the version, in any format).
  const cached = c.req.header("if-none-match");
  if (cached !== undefined) {
    const current = await room.currentETag();
    if (cached.split(",").some((tag) => tag.trim().replace(/^W\//, "") === current || tag.trim() === "*")) return c.body(null, 304, { etag: current });
  }
  const { state, etag } = await room.getDocument();
  // The version's ETag: send it back in If-Match to edit only what you read.
  c.header("etag", etag);
  return renderState(c, state, format);
});

async function editDocument(c: AppContext, operation: "replace" | "append"): Promise<Response> {
  const access = await editableRoom(c);
  const precondition = readPrecondition(c);
  const kind = contentKindOf(c.req.header("content-type"));
  // Markdown and text are appended as they arrive (streamed-append.ts); whole bodies too, in one step.
  if (operation === "append" && (kind === "markdown" || kind === "text")) {
    return streamAppend(c, access.room.id, kind, precondition, actorOf(c.get("principal")));
  }
  const body = await readText(c, MAX_DOCUMENT_BYTES);
  let content: string;
  try {
    const parsed = kind === "json" ? JSON.parse(body) : body;
    // Sent as a JSON string: ProseMirror's JSON can hold objects RPC cannot structured-clone.
    content = JSON.stringify(parseContent(kind === "json" ? JSON.stringify(parsed) : body, kind).toJSON());
  } catch (error) {
    if (error instanceof DocumentFormatError || error instanceof SyntaxError) throw badRequest(`Cannot read the ${kind} body: ${error.message}`);
    throw error;
  }
  const bytes = new TextEncoder().encode(content).byteLength;
  const { outcome, etag } = await roomStub(c.env, access.room.id).editDocument(operation, content, bytes, precondition, actorOf(c.get("principal")));
  if (outcome === "precondition_failed") return preconditionFailed(c, etag);
  assertApplied(outcome);
  return c.body(null, 204, { etag });
}

documentRoute({
  method: "put",
  path: "/api/rooms/:id/document",
  summary: "Replace the document (body: Markdown, HTML, plain text or ProseMirror JSON, by Content-Type); If-Match: <etag> or If-None-Match: * make it conditional",
  auth: "editors of the room",
  responses: { 204: "Replaced (ETag: the new version)", 400: "Unreadable body or precondition header", 403: "Viewer", 412: "The document moved on from If-Match's ETag, or is not empty (If-None-Match: *)", 413: "Too large", 415: "Unsupported type" },
});
documentRoutes.put("/", (c) => editDocument(c, "replace"));

documentRoute({
  method: "post",
  path: "/api/rooms/:id/document/append",
  summary: "Append to the document (body by Content-Type, as for PUT; If-Match / If-None-Match as for PUT); Markdown and text are applied as they arrive, so a chunked body grows live",
  auth: "editors of the room",
  responses: { 204: "Appended (ETag: the new version)", 400: "Unreadable body or precondition header", 403: "Viewer", 412: "Precondition failed", 413: "Too large" },
});
documentRoutes.post("/append", (c) => editDocument(c, "append"));

documentRoute({
  method: "get",
  path: "/api/rooms/:id/document/stats",
  summary: "Storage use of the room's document against its limits",
  auth: "anyone who may view the room",
  responses: { 200: "{ stats }" },
});
documentRoutes.get("/stats", async (c) => {
  const access = await viewableRoom(c);
  return c.json({ stats: await roomStub(c.env, access.room.id).stats() });
});
