// When a room writes its automatic snapshot to R2, and whether a snapshot is worth writing.
// Edits keep moving the room's alarm to 30 s after the latest one (but no later than 3 minutes
// after the first), so when it fires the room has been quiet or busy for too long. When the
// first edit since the last snapshot happened is kept in storage, so a room that sleeps or is
// evicted before its alarm still snapshots.
import * as Y from "yjs";
import type { Env } from "../env.ts";
import {
  pruneAutoSnapshots,
  readSnapshotState,
  recentSnapshots,
  SNAPSHOT_DEBOUNCE_MS,
  SNAPSHOT_MAX_WAIT_MS,
  type SnapshotRequest,
  stateChecksum,
  type WrittenSnapshot,
  writeSnapshot,
} from "./snapshots.ts";
import type { DocumentStorage } from "./storage.ts";

const META_DIRTY_SINCE = "snapshot_dirty_since";
const META_LAST_CHECKSUM = "snapshot_last_checksum";
/** Moving the alarm on every keystroke is wasted work; a second of slack is fine. */
const ALARM_SLACK_MS = 1_000;

export type SnapshotScheduleDeps = {
  env: Env;
  roomName: string;
  storage: DocumentStorage;
  document: Y.Doc;
  setAlarm: (at: number) => void;
};

export class SnapshotSchedule {
  /** When the first edit since the last snapshot happened (0: nothing to snapshot). */
  #dirtySince: number;
  #alarmAt: number | null = null;

  constructor(private readonly deps: SnapshotScheduleDeps) {
    this.#dirtySince = Number(deps.storage.getMeta(META_DIRTY_SINCE) ?? "0");
  }

  /** Schedules the snapshot alarm: debounced after edits, but never later than MAX_WAIT. */
  noteEdit(): void {
    const now = Date.now();
    if (!this.#dirtySince) {
      this.#dirtySince = now;
      this.deps.storage.setMeta(META_DIRTY_SINCE, String(now)); // once per snapshot period, not per edit
    }
    const due = Math.min(now + SNAPSHOT_DEBOUNCE_MS, this.#dirtySince + SNAPSHOT_MAX_WAIT_MS);
    if (this.#alarmAt === null || Math.abs(this.#alarmAt - due) > ALARM_SLACK_MS) {
      this.#alarmAt = due;
      this.deps.setAlarm(due);
    }
  }

  #markClean(): void {
    this.#dirtySince = 0;
    this.deps.storage.setMeta(META_DIRTY_SINCE, "0");
  }

  /** The alarm fired: takes the automatic snapshot if there were edits since the last one. */
  async onAlarm(): Promise<void> {
    this.#alarmAt = null;
    if (!this.#dirtySince) return;
    await this.take({ reason: "auto", by: null, label: null });
  }

  /**
   * Writes a snapshot to R2 and D1. Automatic snapshots are skipped when the content is
   * unchanged since the last one; manual and restore ones equal to a kept snapshot answer it
   * (`reused`). Null: nothing written, either an unchanged automatic snapshot or a manual one
   * refused because the room keeps KEPT_SNAPSHOTS_MAX already. A throw or a refusal leaves
   * the room dirty so the alarm still takes an automatic one.
   */
  async take(request: SnapshotRequest): Promise<WrittenSnapshot | null> {
    const { env, roomName, storage, document } = this.deps;
    // Clean before the await: an edit arriving meanwhile marks the room dirty again.
    const wasDirty = this.#dirtySince !== 0;
    this.#markClean();
    // Encoded now, in the turn the room stored its staged updates: edits arriving during the
    // awaits below may not be stored yet, and a snapshot must hold only stored ones.
    const state = Y.encodeStateAsUpdate(document);
    const checksum = await stateChecksum(state);
    const unchanged = checksum === storage.getMeta(META_LAST_CHECKSUM);
    if (unchanged && request.reason === "auto") return null;
    try {
      const row = await writeSnapshot(env, roomName, state, request);
      if (row === "limit_reached") {
        if (wasDirty) this.noteEdit();
        return null;
      }
      storage.setMeta(META_LAST_CHECKSUM, row.checksum);
      if (request.reason === "auto") await pruneAutoSnapshots(env, roomName);
      return row;
    } catch (error) {
      this.noteEdit(); // still dirty: the alarm tries again
      throw error;
    }
  }

  /**
   * Fills empty storage from the newest snapshot that reads back intact; a corrupt or missing
   * one falls back to older ones. Its checksum is the last one, so no identical snapshot follows.
   */
  async restoreLatest(): Promise<void> {
    const { env, roomName, storage } = this.deps;
    for (const snapshot of await recentSnapshots(env, roomName, 5)) {
      try {
        const state = await readSnapshotState(env, snapshot);
        if (!state) continue;
        storage.compact(state);
        storage.setMeta(META_LAST_CHECKSUM, snapshot.checksum);
        return;
      } catch (error) {
        console.error(`room ${roomName}: snapshot ${snapshot.id} unusable, trying an older one`, error);
      }
    }
  }
}
