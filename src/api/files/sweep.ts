// Resumable uploads that were started and never completed nor aborted: their D1 rows
// (status "uploading", counted against the owner's storage quota) and R2 multipart uploads
// (parts stored and billed until aborted) are removed by the hourly Cron Trigger.
import { and, eq, lt } from "drizzle-orm";
import { files } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { database } from "../../core/db.ts";
import { deleteFileRow } from "./store.ts";

/** An upload started this long ago and still not complete is abandoned: at MAX_UPLOAD_BYTES, even a slow link resumes within hours. */
export const ABANDONED_UPLOAD_MS = 24 * 60 * 60 * 1000;
/** Rows per D1 query; a run stops after MAX_BATCHES, the next hour takes the rest. */
const BATCH = 100;
const MAX_BATCHES = 20;

/** Aborts and forgets uploads started before `now - ABANDONED_UPLOAD_MS`; returns how many. */
export async function sweepAbandonedUploads(env: Env, now = Date.now()): Promise<number> {
  const db = database(env);
  let swept = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const stale = await db
      .select({ id: files.id, r2Key: files.r2Key, uploadId: files.uploadId })
      .from(files)
      .where(and(eq(files.status, "uploading"), lt(files.createdAt, now - ABANDONED_UPLOAD_MS)))
      .limit(BATCH);
    for (const row of stale) {
      if (row.uploadId) {
        // R2 refuses to abort an upload it no longer knows (completed, aborted, or expired by
        // the bucket's own 7-day rule); the row must go either way.
        await env.STORAGE.resumeMultipartUpload(row.r2Key, row.uploadId)
          .abort()
          .catch((error: unknown) => console.warn(`sweep: aborting upload of ${row.id} failed`, error));
      }
      await deleteFileRow(env, row.id);
    }
    swept += stale.length;
    if (stale.length < BATCH) break;
  }
  return swept;
}
