// POST /api/upload: one multipart request, streamed to R2 (see r2-writer.ts), recorded in
// D1, then handed to the process-file job. On any failure nothing is left behind.
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { files, type FileRow } from "../../db/schema.ts";
import { newId } from "../../shared/crypto.ts";
import { requireUser } from "../auth/guards.ts";
import type { AppEnv } from "../context.ts";
import { database } from "../../core/db.ts";
import { ApiError, badRequest, forbidden, tooLarge } from "../errors.ts";
import { enqueueJob } from "../../core/jobs.ts";
import { documentRoute } from "../openapi.ts";
import { parseWith } from "../validation.ts";
import { boundaryOf, discardBody, readMultipart } from "./multipart.ts";
import { presentFile, sanitizeContentType, sanitizeFileName } from "./present.ts";
import { R2StreamWriter } from "./r2-writer.ts";
import { sniff } from "./sniff.ts";
import { config } from "../../core/config.ts";
import { canWriteRoom } from "./store.ts";
import { assertStorageQuotaAfterInsert, storageAllowance, storageQuotaExceeded } from "../quotas.ts";
import { resumableRoutes } from "./resumable.ts";
import { recordEvent } from "../../core/events.ts";

export const uploadRoutes = new Hono<AppEnv>();

/** Room of the file, and who besides the owner may read it. */
const placementSchema = z.object({
  roomId: z.string().uuid().optional(),
  visibility: z.enum(["private", "public"]).default("private"),
});

/** Room for the multipart framing and text fields around the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

documentRoute({
  method: "post",
  path: "/api/upload",
  summary: "Upload a file (multipart/form-data: file, roomId?, visibility?)",
  auth: "signed in; room editors for roomId",
  responses: {
    201: "{ id, name, size, contentType, visibility, url }",
    403: "May not write to that room",
    413: "payload_too_large over MAX_UPLOAD_BYTES; storage_quota_exceeded over MAX_STORED_BYTES_PER_USER in all",
    415: "Not multipart/form-data",
  },
});
uploadRoutes.post("/", async (c) => {
  const principal = requireUser(c);
  const boundary = boundaryOf(c.req.header("content-type"));
  if (!boundary) throw new ApiError(415, "unsupported_media_type", "Send multipart/form-data with a `file` field.");
  const limit = config(c.env).MAX_UPLOAD_BYTES;
  // Refuse a declared oversize body before reading a byte of it.
  if (Number(c.req.header("content-length") ?? 0) > limit + MULTIPART_OVERHEAD_BYTES) {
    throw tooLarge(`Files may be at most ${limit} bytes.`);
  }
  const body = c.req.raw.body;
  if (!body) throw badRequest("The body is empty.");
  // The per-user quota bounds the stream too: past what is left, the upload stops there.
  const allowance = await storageAllowance(c.env, principal);
  if (allowance.remaining <= 0 || Number(c.req.header("content-length") ?? 0) > allowance.remaining + MULTIPART_OVERHEAD_BYTES) {
    await discardBody(body);
    throw storageQuotaExceeded(allowance.max);
  }
  const quotaBound = allowance.remaining < limit;

  const id = newId();
  const fields: Record<string, string> = {};
  let writer: R2StreamWriter | null = null;
  let name = "";
  let contentType = "application/octet-stream";
  let roomChecked = false;
  const checkRoom = async () => {
    const roomId = parseWith(placementSchema, fields, "form fields").roomId;
    if (roomId && !(await canWriteRoom(c.env, roomId, principal))) throw forbidden("You may not add files to that room.");
    roomChecked = true;
  };
  try {
    await readMultipart(body, boundary, {
      onField(field, value) {
        if (field === "roomId" || field === "visibility") fields[field] = value;
      },
      async onFile(part) {
        if (part.field !== "file" || writer) throw badRequest("Send exactly one file, in the `file` field.");
        await checkRoom(); // fields sent before the file are checked before any byte is stored
        name = sanitizeFileName(part.filename);
        contentType = sanitizeContentType(part.contentType);
        writer = new R2StreamWriter(c.env.STORAGE, `files/${id}`, {
          maxBytes: Math.min(limit, allowance.remaining),
          contentType,
          overLimit: quotaBound ? () => storageQuotaExceeded(allowance.max) : undefined,
        });
        return writer;
      },
    });
    if (!writer) throw badRequest("The `file` field is missing.");
    const upload: R2StreamWriter = writer;
    const placement = parseWith(placementSchema, fields, "form fields");
    if (!roomChecked || placement.roomId) await checkRoom();
    const sha256 = await upload.finish();
    const sniffed = sniff(upload.head);
    const row: FileRow = {
      id,
      ownerId: principal.user.id,
      roomId: placement.roomId ?? null,
      name,
      size: upload.size,
      contentType,
      detectedType: sniffed.type,
      sha256,
      visibility: placement.visibility,
      r2Key: upload.key,
      status: "ready",
      width: sniffed.width ?? null,
      height: sniffed.height ?? null,
      thumbnailKey: null,
      uploadId: null,
      createdAt: Date.now(),
    };
    await database(c.env).insert(files).values(row);
    await assertStorageQuotaAfterInsert(c.env, principal);
    await enqueueJob(c.env, "process-file", { fileId: id });
    if (row.roomId) await recordEvent(c.env, { roomId: row.roomId, type: "file.uploaded", actor: principal.user.id, data: { fileId: id, name, size: row.size } });
    const { size, visibility, url } = presentFile(row);
    return c.json({ id, name, size, contentType, visibility, url }, 201);
  } catch (error) {
    await discardBody(body);
    await (writer as R2StreamWriter | null)?.abort();
    await database(c.env).delete(files).where(eq(files.id, id));
    throw error;
  }
});

uploadRoutes.route("/multipart", resumableRoutes);
