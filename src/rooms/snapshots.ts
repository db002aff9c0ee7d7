// Snapshots: the room's full state written to R2 (`snapshots/<roomId>/<id>`, with a
// SHA-256 that R2 verifies on upload) and described by a row in D1's `snapshots`.
import { and, desc, eq, inArray } from "drizzle-orm";
import * as Y from "yjs";
import { database } from "../api/db.ts";
import { snapshots, type SnapshotRow } from "../db/schema.ts";
import type { Env } from "../env.ts";
import { sha256Hex } from "../shared/crypto.ts";

/** Debounce after the last edit, and the most a busy room waits between snapshots. */
export const SNAPSHOT_DEBOUNCE_MS = 30_000;
export const SNAPSHOT_MAX_WAIT_MS = 3 * 60_000;
/**
 * Retention: automatic snapshots are pruned to the newest 50 per room (a busy day of
 * history at one per 3 minutes of editing); manual and restore snapshots are kept until the
 * room is deleted, since someone chose to keep them.
 */
export const AUTO_SNAPSHOTS_KEPT = 50;

export type SnapshotReason = SnapshotRow["reason"];
export type SnapshotRequest = { reason: SnapshotReason; by: string | null; label: string | null };

export const snapshotKey = (roomId: string, snapshotId: string) => `snapshots/${roomId}/${snapshotId}`;

export async function writeSnapshot(env: Env, roomId: string, doc: Y.Doc, request: SnapshotRequest): Promise<SnapshotRow> {
  const state = Y.encodeStateAsUpdate(doc);
  const checksum = await sha256Hex(state);
  const stateVectorHash = await sha256Hex(Y.encodeStateVector(doc));
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
  await database(env).insert(snapshots).values(row);
  return row;
}

export async function stateChecksum(doc: Y.Doc): Promise<string> {
  return sha256Hex(Y.encodeStateAsUpdate(doc));
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
