// The room's durable document in its own SQLite storage:
//   doc_updates: every accepted update; a commit (group commit: all the updates of one flush)
//                writes them merged, one row per MERGE_AT_MOST updates, each row an ordinary
//                Yjs update (rows written one per update by earlier code load the same way)
//   doc_state:   the latest compacted state, split in chunks (SQLite rows cap at 2 MB)
// Load = doc_state + doc_updates in order. Compaction replaces both in one transaction.
//   attr_inserts, attr_deletes: who wrote and deleted which Yjs ids (attribution/store.ts),
//                written in the same transaction as the updates; compaction leaves them be
import * as Y from "yjs";
import { AttributionStore } from "./attribution/store.ts";

/** Chunk size for blobs: well under the 2 MB per-row limit of DO SQLite. */
const CHUNK_BYTES = 1024 * 1024;

export type StoredDocument = { state: Uint8Array | null; updates: Uint8Array[] };
export type StorageStats = { stateBytes: number; logBytes: number; logCount: number };

function concat(parts: ArrayBuffer[]): Uint8Array {
  if (parts.length === 1) return new Uint8Array(parts[0]!);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(new Uint8Array(part), offset);
    offset += part.byteLength;
  }
  return out;
}

function chunks(bytes: Uint8Array): Uint8Array[] {
  const count = Math.max(1, Math.ceil(bytes.byteLength / CHUNK_BYTES));
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
}

const byteLength = (parts: Uint8Array[]) => parts.reduce((n, part) => n + part.byteLength, 0);

/**
 * A commit's updates as rows: merged, so that a flush of many updates is one INSERT (the
 * per-row cost dominated a flood). At most MERGE_AT_MOST per merge: Y.mergeUpdates re-sorts
 * its inputs at every step, quadratic in their number. The broadcaster flushes at this many,
 * so a full batch is one merge, one row and one frame. 96 rather than 32: each flush is a commit
 * (locally an fsync), and the replay of the trace's first 60k operations ran at 43k ops/s against
 * 28-30k (bench/).
 */
export const MERGE_AT_MOST = 96;
function mergedRows(updates: Uint8Array[]): Uint8Array[] {
  if (updates.length === 1) return updates;
  const rows: Uint8Array[] = [];
  for (let i = 0; i < updates.length; i += MERGE_AT_MOST) {
    const group = updates.slice(i, i + MERGE_AT_MOST);
    rows.push(group.length === 1 ? group[0]! : Y.mergeUpdates(group));
  }
  return rows;
}

export class DocumentStorage {
  #stats: StorageStats = { stateBytes: 0, logBytes: 0, logCount: 0 };
  /** Next log sequence number, kept in memory so an append is a single INSERT. */
  #nextSeq = 1;
  /** Applied but not yet written: commit() writes them together (group commit). */
  #staged: Uint8Array[] = [];
  /** Written, not yet taken by the broadcaster (takeCommitted): what the next flush sends. */
  #committed: Uint8Array[] = [];
  /** Authors of the staged updates' ids, written by the same commit. */
  readonly attribution: AttributionStore;

  constructor(private readonly storage: DurableObjectStorage) {
    storage.sql.exec(`CREATE TABLE IF NOT EXISTS doc_updates (
      seq INTEGER NOT NULL, part INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (seq, part))`);
    storage.sql.exec(`CREATE TABLE IF NOT EXISTS doc_state (part INTEGER PRIMARY KEY, data BLOB NOT NULL)`);
    storage.sql.exec(`CREATE TABLE IF NOT EXISTS room_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    this.attribution = new AttributionStore(storage.sql);
    this.#refreshStats();
  }

  get stats(): StorageStats {
    return { ...this.#stats };
  }

  /** Bytes the document occupies in storage: what the document cap is measured against. */
  get storedBytes(): number {
    return this.#stats.stateBytes + this.#stats.logBytes;
  }

  #refreshStats(): void {
    const sql = this.storage.sql;
    const state = sql.exec<{ n: number }>("SELECT coalesce(sum(length(data)), 0) AS n FROM doc_state").one();
    const log = sql
      .exec<{ n: number; c: number }>("SELECT coalesce(sum(length(data)), 0) AS n, count(DISTINCT seq) AS c FROM doc_updates")
      .one();
    this.#stats = { stateBytes: state.n, logBytes: log.n, logCount: log.c };
    this.#nextSeq = sql.exec<{ seq: number }>("SELECT coalesce(max(seq), 0) + 1 AS seq FROM doc_updates").one().seq;
  }

  load(): StoredDocument {
    const sql = this.storage.sql;
    const stateParts = sql.exec<{ data: ArrayBuffer }>("SELECT data FROM doc_state ORDER BY part").toArray();
    const updates: Uint8Array[] = [];
    let currentSeq: number | null = null;
    let parts: ArrayBuffer[] = [];
    for (const row of sql.exec<{ seq: number; data: ArrayBuffer }>("SELECT seq, data FROM doc_updates ORDER BY seq, part")) {
      if (row.seq !== currentSeq && parts.length) {
        updates.push(concat(parts));
        parts = [];
      }
      currentSeq = row.seq;
      parts.push(row.data);
    }
    if (parts.length) updates.push(concat(parts));
    return { state: stateParts.length ? concat(stateParts.map((r) => r.data)) : null, updates };
  }

  /**
   * Counts an applied update as part of the document (the cap sees it at once) and keeps it
   * for the next commit(). Nothing derived from it may leave the room before that commit.
   */
  stage(update: Uint8Array): void {
    this.#staged.push(update);
    this.#stats.logBytes += update.byteLength;
    this.#stats.logCount += 1;
  }

  /**
   * Writes every staged update in one transaction (one SQLite commit for the whole group, with
   * the turn). Frames sent after this in the same turn are held by the output gate until it
   * commits. Throws if the write fails; the staged updates are then lost (the room resets).
   */
  commit(): void {
    const staged = this.#staged;
    if (staged.length === 0) return;
    this.#staged = [];
    const rows = mergedRows(staged);
    const sql = this.storage.sql;
    this.storage.transactionSync(() => {
      for (const update of rows) {
        const seq = this.#nextSeq++;
        chunks(update).forEach((part, index) => {
          sql.exec("INSERT INTO doc_updates (seq, part, data) VALUES (?, ?, ?)", seq, index, part);
        });
      }
      this.attribution.commit();
    });
    this.#committed.push(...rows);
    // stage() counted each update; the log holds the merged rows.
    this.#stats.logCount += rows.length - staged.length;
    this.#stats.logBytes += byteLength(rows) - byteLength(staged);
  }

  /** The updates written since the last call, merged in rows: stored, and not yet sent to anyone. */
  takeCommitted(): Uint8Array[] {
    const committed = this.#committed;
    this.#committed = [];
    return committed;
  }

  /**
   * Replaces the state and the whole log with one compacted state, atomically. `state` is the
   * whole document, staged updates included, so they are stored by this write (and are then
   * committed, waiting for the broadcaster like any other).
   */
  compact(state: Uint8Array): void {
    const staged = this.#staged;
    this.#staged = [];
    this.storage.transactionSync(() => {
      const sql = this.storage.sql;
      sql.exec("DELETE FROM doc_state");
      chunks(state).forEach((part, index) => sql.exec("INSERT INTO doc_state (part, data) VALUES (?, ?)", index, part));
      sql.exec("DELETE FROM doc_updates");
      // Staged updates are in `state`; their attribution is written here (ids survive merging).
      this.attribution.commit();
      this.attribution.prune();
    });
    this.#stats = { stateBytes: state.byteLength, logBytes: 0, logCount: 0 };
    this.#committed.push(...mergedRows(staged));
  }

  isEmpty(): boolean {
    return this.#stats.stateBytes === 0 && this.#stats.logCount === 0;
  }

  getMeta(key: string): string | null {
    const row = this.storage.sql.exec<{ value: string }>("SELECT value FROM room_meta WHERE key = ?", key).toArray()[0];
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.storage.sql.exec("INSERT INTO room_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value);
  }

  /** Counters for rejected frames and the like; kept in storage so they survive hibernation. */
  increment(key: string): number {
    const next = Number(this.getMeta(key) ?? "0") + 1;
    this.setMeta(key, String(next));
    return next;
  }
}
