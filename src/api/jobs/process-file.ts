// process-file: check an upload's bytes against its SHA-256, learn its real type from
// magic bytes, record image dimensions and write a thumbnail. Idempotent: a processed
// file is skipped, and the thumbnail key is fixed, so a redelivery writes nothing new.
import type { JobRow } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { toHex } from "../../shared/crypto.ts";
import { sniff } from "../files/sniff.ts";
import { loadFile, updateFile } from "../files/store.ts";
import { indexFile } from "../search/index-file.ts";
import { makeThumbnail, MAX_THUMBNAIL_SOURCE_PIXELS } from "./thumbnail.ts";

/** Enough for a JPEG's frame header behind large EXIF blocks. */
const HEAD_BYTES = 256 * 1024;
/** Images above this are only measured, not thumbnailed. */
const MAX_THUMBNAIL_SOURCE_BYTES = 20 * 1024 * 1024;

/** Streams the object once: hashes everything, keeps the head (and all of it if small). */
async function readObject(object: R2ObjectBody, keepAll: boolean): Promise<{ sha256: string; head: Uint8Array; all?: Uint8Array }> {
  const digest = new crypto.DigestStream("SHA-256");
  const writer = digest.getWriter();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  const reader = object.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    await writer.write(value);
    if (keepAll || kept < HEAD_BYTES) {
      chunks.push(value);
      kept += value.length;
    }
  }
  await writer.close();
  const joined = new Uint8Array(kept);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return { sha256: toHex(await digest.digest), head: joined.subarray(0, HEAD_BYTES), all: keepAll ? joined : undefined };
}

export async function processFile(env: Env, job: JobRow): Promise<void> {
  const fileId = String(job.payload.fileId ?? "");
  const file = await loadFile(env, fileId);
  if (!file || file.status === "processed" || file.status === "rejected" || file.status === "uploading") return;
  const object = await env.STORAGE.get(file.r2Key);
  if (!object) throw new Error(`R2 object ${file.r2Key} is missing`);
  const { sha256, head, all } = await readObject(object, object.size <= MAX_THUMBNAIL_SOURCE_BYTES);
  if (file.sha256 && file.sha256 !== sha256) {
    // Stored bytes differ from what was uploaded: never serve them. Retrying cannot help.
    console.warn(`file ${file.id}: SHA-256 mismatch (stored ${sha256}, uploaded ${file.sha256}); rejected`);
    await updateFile(env, file.id, { status: "rejected" });
    return;
  }
  const sniffed = sniff(head);
  let thumbnailKey: string | null = null;
  const pixels = (sniffed.width ?? 0) * (sniffed.height ?? 0);
  if (all && pixels > 0 && pixels <= MAX_THUMBNAIL_SOURCE_PIXELS) {
    const thumbnail = makeThumbnail(sniffed.type, all);
    if (thumbnail) {
      thumbnailKey = `thumbnails/${file.id}.png`;
      await env.STORAGE.put(thumbnailKey, thumbnail, { httpMetadata: { contentType: "image/png" } });
    }
  }
  await updateFile(env, file.id, {
    sha256,
    detectedType: sniffed.type,
    width: sniffed.width ?? null,
    height: sniffed.height ?? null,
    thumbnailKey,
    status: "processed",
  });
  await indexFile(env, file, all);
}
