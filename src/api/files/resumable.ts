// The resumable flow for files above the single-request limit, on R2's multipart API:
// create → upload parts (any order, retry any part) → complete, or abort. The D1 row
// exists from the start with status "uploading" and is invisible until completed.
// The client keeps each part's etag; a part can be re-sent until completion.
import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { files, type FileRow } from "../../db/schema.ts";
import { newId } from "../../shared/crypto.ts";
import { requireUser } from "../auth/guards.ts";
import type { AppContext, AppEnv } from "../context.ts";
import { database } from "../../core/db.ts";
import { ApiError, badRequest, forbidden, notFound, tooLarge } from "../errors.ts";
import { enqueueJob } from "../../core/jobs.ts";
import { documentRoute } from "../openapi.ts";
import { idSchema, readJson, readParams } from "../validation.ts";
import { presentFile, sanitizeContentType, sanitizeFileName } from "./present.ts";
import { PART_SIZE } from "./r2-writer.ts";
import { config } from "../../core/config.ts";
import { canWriteRoom, updateFile } from "./store.ts";
import { assertStorageQuotaAfterInsert, storageAllowance, storageQuotaExceeded } from "../quotas.ts";
import { recordEvent } from "../../core/events.ts";

export const resumableRoutes = new Hono<AppEnv>();

/** R2 allows 10,000 parts per upload. The file size cap is MAX_UPLOAD_BYTES, as for POST /api/upload. */
const MAX_PARTS = 10_000;

const createBody = z.strictObject({
  name: z.string().min(1).max(500),
  size: z.number().int().min(1),
  contentType: z.string().max(200).optional(),
  roomId: z.string().uuid().optional(),
  visibility: z.enum(["private", "public"]).default("private"),
});
const partParams = z.object({ id: idSchema, part: z.coerce.number().int().min(1).max(MAX_PARTS) });
const completeBody = z.strictObject({
  parts: z
    .array(z.strictObject({ partNumber: z.number().int().min(1).max(MAX_PARTS), etag: z.string().min(1).max(200) }))
    .min(1)
    .max(MAX_PARTS),
});

const partCount = (size: number) => Math.ceil(size / PART_SIZE);

/** Bytes part `part` holds in an upload of `size` bytes: PART_SIZE, less for the last, 0 beyond it. */
function expectedPartBytes(size: number, part: number): number {
  const count = partCount(size);
  if (part > count) return 0;
  return part < count ? PART_SIZE : size - (count - 1) * PART_SIZE;
}

/** The caller's own upload in progress; anyone else's is a 404. */
async function ownUpload(c: AppContext, id: string): Promise<FileRow & { uploadId: string }> {
  const principal = requireUser(c);
  const [row] = await database(c.env)
    .select()
    .from(files)
    .where(and(eq(files.id, id), eq(files.ownerId, principal.user.id), eq(files.status, "uploading")))
    .limit(1);
  if (!row?.uploadId) throw notFound("Upload");
  return row as FileRow & { uploadId: string };
}

documentRoute({
  method: "post",
  path: "/api/upload/multipart",
  summary: "Start a resumable upload",
  auth: "signed in; room editors for roomId",
  body: createBody,
  responses: {
    201: "{ id, uploadId, partSize, partCount }",
    403: "May not write to that room",
    413: "payload_too_large over MAX_UPLOAD_BYTES; storage_quota_exceeded over MAX_STORED_BYTES_PER_USER in all",
  },
});
resumableRoutes.post("/", async (c) => {
  const principal = requireUser(c);
  const body = await readJson(c, createBody);
  const limit = config(c.env).MAX_UPLOAD_BYTES;
  if (body.size > limit) throw tooLarge(`Files may be at most ${limit} bytes.`);
  if (body.roomId && !(await canWriteRoom(c.env, body.roomId, principal))) {
    throw forbidden("You may not add files to that room.");
  }
  // The declared size is reserved at once: the row counts against the quota from the start.
  const allowance = await storageAllowance(c.env, principal);
  if (body.size > allowance.remaining) throw storageQuotaExceeded(allowance.max);
  const id = newId();
  const key = `files/${id}`;
  const contentType = sanitizeContentType(body.contentType);
  const upload = await c.env.STORAGE.createMultipartUpload(key, { httpMetadata: { contentType } });
  await database(c.env).insert(files).values({
    id,
    ownerId: principal.user.id,
    roomId: body.roomId ?? null,
    name: sanitizeFileName(body.name),
    size: body.size,
    contentType,
    visibility: body.visibility,
    r2Key: key,
    status: "uploading",
    uploadId: upload.uploadId,
  });
  try {
    await assertStorageQuotaAfterInsert(c.env, principal);
  } catch (error) {
    await upload.abort().catch(() => {});
    await database(c.env).delete(files).where(eq(files.id, id));
    throw error;
  }
  return c.json({ id, uploadId: upload.uploadId, partSize: PART_SIZE, partCount: partCount(body.size) }, 201);
});

documentRoute({
  method: "put",
  path: "/api/upload/multipart/:id/parts/:part",
  summary: "Upload one part (raw body; every part but the last exactly partSize bytes)",
  auth: "the uploader",
  responses: {
    200: "{ partNumber, etag }",
    400: "Body shorter than its Content-Length",
    404: "No such upload",
    413: "Part larger than its share of the declared size, or beyond it",
  },
});
resumableRoutes.put("/:id/parts/:part", async (c) => {
  const { id, part } = readParams(c, partParams);
  const row = await ownUpload(c, id);
  const length = Number(c.req.header("content-length"));
  if (!Number.isInteger(length) || length < 1) {
    throw new ApiError(411, "length_required", "Send the part with a Content-Length.");
  }
  // The declared size fixes every part's size: R2 would store whatever it is sent until
  // completion, so a 1-byte upload could otherwise hold 10,000 parts of 5 MiB.
  const expected = expectedPartBytes(row.size, part);
  if (expected === 0) throw tooLarge(`This upload has ${partCount(row.size)} parts of at most ${PART_SIZE} bytes; part ${part} is beyond its declared size.`);
  if (length > expected) throw tooLarge(`Part ${part} of this upload may be at most ${expected} bytes.`);
  const upload = c.env.STORAGE.resumeMultipartUpload(row.r2Key, row.uploadId);
  // The request body has a known length, so R2 can take the stream as is. A body that ends
  // before its Content-Length (a dropped connection, a lying client) fails here: the part
  // is not stored and can be sent again.
  let uploaded: R2UploadedPart;
  try {
    uploaded = await upload.uploadPart(part, c.req.raw.body!);
  } catch (error) {
    throw badRequest(`The part was not stored (${error instanceof Error ? error.message : String(error)}); send it again.`);
  }
  return c.json({ partNumber: uploaded.partNumber, etag: uploaded.etag });
});

documentRoute({
  method: "post",
  path: "/api/upload/multipart/:id/complete",
  summary: "Finish a resumable upload",
  auth: "the uploader",
  body: completeBody,
  responses: { 201: "The file's metadata", 400: "Parts missing or wrong", 403: "No longer an editor of the room", 404: "No such upload" },
});
resumableRoutes.post("/:id/complete", async (c) => {
  const { id } = readParams(c, z.object({ id: idSchema }));
  const row = await ownUpload(c, id);
  const { parts } = await readJson(c, completeBody);
  const upload = c.env.STORAGE.resumeMultipartUpload(row.r2Key, row.uploadId);
  // Access is checked again at the end: an upload can take hours, and the uploader may have
  // been removed from the room (or the room made read-only for them) meanwhile.
  if (row.roomId && !(await canWriteRoom(c.env, row.roomId, requireUser(c)))) {
    await upload.abort().catch(() => {});
    await database(c.env).delete(files).where(eq(files.id, id));
    throw forbidden("You may no longer add files to that room; the upload was discarded.");
  }
  let object: R2Object;
  try {
    object = await upload.complete(parts.sort((a, b) => a.partNumber - b.partNumber));
  } catch (error) {
    throw badRequest(`R2 refused the parts: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (object.size !== row.size) {
    await c.env.STORAGE.delete(row.r2Key);
    await database(c.env).delete(files).where(eq(files.id, id));
    throw badRequest(`The upload has ${object.size} bytes, not the ${row.size} announced; it was discarded.`);
  }
  // The SHA-256 and type are filled in by the process-file job, which reads the object.
  const ready = { status: "ready" as const, uploadId: null, createdAt: Date.now() };
  await updateFile(c.env, id, ready);
  await enqueueJob(c.env, "process-file", { fileId: id });
  if (row.roomId) await recordEvent(c.env, { roomId: row.roomId, type: "file.uploaded", actor: row.ownerId, data: { fileId: id, name: row.name, size: row.size } });
  return c.json(presentFile({ ...row, ...ready }), 201);
});

documentRoute({
  method: "delete",
  path: "/api/upload/multipart/:id",
  summary: "Abort a resumable upload",
  auth: "the uploader",
  responses: { 204: "Aborted", 404: "No such upload" },
});
resumableRoutes.delete("/:id", async (c) => {
  const { id } = readParams(c, z.object({ id: idSchema }));
  const row = await ownUpload(c, id);
  await c.env.STORAGE.resumeMultipartUpload(row.r2Key, row.uploadId).abort();
  await database(c.env).delete(files).where(eq(files.id, id));
  return c.body(null, 204);
});
