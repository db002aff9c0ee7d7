// Snapshots: the room's full state written to R2 (`snapshots/<roomId>/<id>`, with a
// SHA-256 that R2 verifies on upload) and described by a row in D1's `snapshots`.
import { and, count, desc, eq, inArray } from "drizzle-orm";
import * as Y from "yjs";
import { database } from "../core/db.ts";
import { recordEvent } from "../core/events.ts";
import { snapshots, type SnapshotRow } from "../db/schema.ts";
import type { Env } from "../env.ts";
import { sha256Hex } from "../shared/crypto.ts";

/** Debounce after the last edit, and the most a busy room waits between snapshots. */
export const SNAPSHOT_DEBOUNCE_MS = 30_000;
export const SNAPSHOT_MAX_WAIT_MS = 3 * 60_000;
/**
 * Retention: automatic snapshots are pruned to the newest 50 per room (a busy day of
 * history at one per 3 minutes of editing); manual and restore snapshots are kept until the
 * room is deleted or an owner deletes them, since someone chose to keep them.
 */
export const AUTO_SNAPSHOTS_KEPT = 50;
/**
 * Manual and restore snapshots per room. Past it new ones are refused rather than the oldest
 * pruned: any editor can take snapshots, and pruning would let one of them push the room's
 * chosen history out; a refusal costs nothing until an owner deletes old ones.
 */
export const KEPT_SNAPSHOTS_MAX = 100;
const KEPT_REASONS = ["manual", "restore"] as const;

export type SnapshotReason = SnapshotRow["reason"];
export type SnapshotRequest = { reason: SnapshotReason; by: string | null; label: string | null };
/** `reused`: the content equals a kept snapshot's, which is answered instead of a copy. */
export type WrittenSnapshot = SnapshotRow & { reused: boolean };

export const snapshotKey = (roomId: string, snapshotId: string) => `snapshots/${roomId}/${snapshotId}`;

/**
 * Writes a document state (encoded by the caller in the turn its updates were stored) as a snapshot. A manual or restore snapshot whose content equals
 * a kept one answers that one instead (nothing written); a manual one past KEPT_SNAPSHOTS_MAX
 * is refused. Restore snapshots are not refused here: the restore route checks the cap before
 * it edits the document, and a restore must not end without its snapshot.
 */
export async function writeSnapshot(env: Env, roomId: string, state: Uint8Array, request: SnapshotRequest): Promise<WrittenSnapshot | "limit_reached"> {
  const checksum = await sha256Hex(state);
  const kept = request.reason !== "auto";
  if (kept) {
    const existing = await keptSnapshotWithChecksum(env, roomId, checksum);
    if (existing) return { ...existing, reused: true };
  }
  const stateVectorHash = await sha256Hex(Y.encodeStateVectorFromUpdate(state));
  const id = crypto.randomUUID();
  const r2Key = snapshotKey(roomId, id);
  await env.STORAGE.put(r2Key, state, {
    sha256: checksum,
    httpMetadata: { contentType: "application/vnd.yjs.update" },
    customMetadata: { roomId, stateVectorHash },
  });
  const row: SnapshotRow = {
    id,
    roomId,
    r2Key,
    bytes: state.byteLength,
    checksum,
    stateVectorHash,
    createdBy: request.by,
    reason: request.reason,
    label: request.label,
    createdAt: Date.now(),
  };
  if (!kept) {
    await database(env).insert(snapshots).values(row);
    await snapshotCreated(env, row);
    return { ...row, reused: false };
  }
  // One statement checks for a duplicate, checks the cap and inserts, so concurrent requests
  // (the room object interleaves them across these awaits) can neither copy nor overshoot.
  const cap = request.reason === "manual" ? KEPT_SNAPSHOTS_MAX : Number.MAX_SAFE_INTEGER;
  const result = await env.DB.prepare(
    `INSERT INTO snapshots (id, room_id, r2_key, bytes, checksum, state_vector_hash, created_by, reason, label, created_at)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
     WHERE NOT EXISTS (SELECT 1 FROM snapshots WHERE room_id = ?2 AND checksum = ?5 AND reason IN ('manual', 'restore'))
       AND (SELECT count(*) FROM snapshots WHERE room_id = ?2 AND reason IN ('manual', 'restore')) < ?11`,
  )
    .bind(id, roomId, r2Key, row.bytes, checksum, stateVectorHash, row.createdBy, row.reason, row.label, row.createdAt, cap)
    .run();
  if (result.meta.changes === 1) {
    await snapshotCreated(env, row);
    return { ...row, reused: false };
  }
  await env.STORAGE.delete(r2Key);
  const existing = await keptSnapshotWithChecksum(env, roomId, checksum);
  return existing ? { ...existing, reused: true } : "limit_reached";
}

async function snapshotCreated(env: Env, row: SnapshotRow): Promise<void> {
  // The snapshot is stored either way: a failed event is logged, not the snapshot's failure.
  const data = { snapshotId: row.id, reason: row.reason, label: row.label, bytes: row.bytes };
  await recordEvent(env, { roomId: row.roomId, type: "snapshot.created", actor: row.createdBy, data }).catch((error) =>
    console.error(`room ${row.roomId}: snapshot.created was not recorded`, error),
  );
}

async function keptSnapshotWithChecksum(env: Env, roomId: string, checksum: string): Promise<SnapshotRow | null> {
  const [row] = await database(env)
    .select()
    .from(snapshots)
    .where(and(eq(snapshots.roomId, roomId), eq(snapshots.checksum, checksum), inArray(snapshots.reason, [...KEPT_REASONS])))
    .orderBy(desc(snapshots.createdAt))
    .limit(1);
  return row ?? null;
}

/** How many manual and restore snapshots the room keeps (against KEPT_SNAPSHOTS_MAX). */
export async function keptSnapshotCount(env: Env, roomId: string): Promise<number> {
  const [row] = await database(env)
    .select({ n: count() })
    .from(snapshots)
    .where(and(eq(snapshots.roomId, roomId), inArray(snapshots.reason, [...KEPT_REASONS])));
  return row?.n ?? 0;
}

/** Deletes one snapshot: its R2 object, then its row. */
export async function deleteSnapshot(env: Env, row: Pick<SnapshotRow, "id" | "r2Key">): Promise<void> {
  await env.STORAGE.delete(row.r2Key);
  await database(env).delete(snapshots).where(eq(snapshots.id, row.id));
}

export async function stateChecksum(state: Uint8Array): Promise<string> {
  return sha256Hex(state);
}

/** A snapshot whose bytes in R2 no longer match the checksum recorded when it was written. */
export class CorruptSnapshotError extends Error {}

/** Reads a snapshot's state from R2, refusing it if the bytes do not match the recorded checksum. */
export async function readSnapshotState(env: Env, row: Pick<SnapshotRow, "r2Key" | "checksum">): Promise<Uint8Array | null> {
  const object = await env.STORAGE.get(row.r2Key);
  if (!object) return null;
  const state = new Uint8Array(await object.arrayBuffer());
  if ((await sha256Hex(state)) !== row.checksum) throw new CorruptSnapshotError(`snapshot ${row.r2Key} fails its checksum`);
  return state;
}

export async function recentSnapshots(env: Env, roomId: string, limit: number): Promise<SnapshotRow[]> {
  return database(env)
    .select()
    .from(snapshots)
    .where(eq(snapshots.roomId, roomId))
    .orderBy(desc(snapshots.createdAt))
    .limit(limit);
}

/** Deletes automatic snapshots beyond the newest AUTO_SNAPSHOTS_KEPT (R2 objects, then rows). */
export async function pruneAutoSnapshots(env: Env, roomId: string, keep = AUTO_SNAPSHOTS_KEPT): Promise<number> {
  const db = database(env);
  const stale = await db
    .select({ id: snapshots.id, r2Key: snapshots.r2Key })
    .from(snapshots)
    .where(and(eq(snapshots.roomId, roomId), eq(snapshots.reason, "auto")))
    .orderBy(desc(snapshots.createdAt))
    .limit(100)
    .offset(keep);
  if (stale.length === 0) return 0;
  await env.STORAGE.delete(stale.map((s) => s.r2Key));
  await db.delete(snapshots).where(inArray(snapshots.id, stale.map((s) => s.id)));
  return stale.length;
}
