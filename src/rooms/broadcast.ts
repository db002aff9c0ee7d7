// Everything a room sends to all of its sockets (document updates and awareness changes) goes
// out through here, merged, straight to the runtime's sockets.
//
// Group commit: updates are applied at once but written when they are flushed. Every flush
// first calls `commit` (the room writes all staged updates, merged, in one SQLite transaction),
// then sends what was stored; the output gate holds the frames until that write is durable. So
// a flood of updates costs one commit (and one row) per flush instead of one per update, and
// nothing is sent unstored.
//
// Why not YServer's own broadcast: it walks partyserver's getConnections(), which deserializes
// every socket's attachment for every message, and sends each update and each awareness frame
// on its own. With 200 sockets and 20 people typing, that was the room's whole CPU (perf:
// attachment deserialization and per-frame socket writes), and clients fell seconds behind.
//
// When to send: at once if the room has been quiet, otherwise no sooner than a minimum interval
// after the previous flush, an interval that grows with the number of sockets (every flush
// costs one write per socket per frame). Whatever arrives meanwhile goes out as one update and
// one awareness frame. A room of 200 at typing speed sees no delay; a burst costs at most one
// interval.
//
// A batch is flushed at once when it reaches MAX_BATCH_UPDATES, for two reasons found by
// bench/'s whole-trace replay: Y.mergeUpdates re-sorts its inputs on every step (quadratic in
// their number: thousands of queued updates took seconds and a gigabyte), and the runtime runs
// timers only when no message is waiting, so under a flood a timer-only flush would wait for
// the flood to end.
import type { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { awarenessStatesFrame, syncUpdateFrame } from "./frames.ts";
import { MERGE_AT_MOST } from "./storage.ts";

/** Sends per second a room aims to stay under when busy: sockets x frames per flush. */
const SENDS_PER_SECOND_BUDGET = 16_000;
const MAX_INTERVAL_MS = 50;
/** A full batch is one merge and one stored row (storage.ts). */
export const MAX_BATCH_UPDATES = MERGE_AT_MOST;

/** Milliseconds between two flushes when busy: 1 ms per 16 sockets, at most 50 ms. */
export function flushInterval(sockets: number): number {
  return Math.min(MAX_INTERVAL_MS, (sockets * 1000) / SENDS_PER_SECOND_BUDGET);
}

export class RoomBroadcaster {
  /** Updates applied and staged since the last flush; the flush sends what the commit returns. */
  #pendingUpdates = 0;
  #awarenessClients = new Set<number>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastFlushAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly awareness: Awareness,
    /**
     * Stores every staged update and returns the updates stored since the last flush (merged
     * by the storage: one merge serves the write and the send); null if storing failed, and
     * then nothing is sent.
     */
    private readonly commit: () => Uint8Array[] | null,
  ) {}

  /** A document update was applied and staged: the next flush stores it, then sends it. */
  noteUpdate(): void {
    this.#pendingUpdates++;
    if (this.#pendingUpdates >= MAX_BATCH_UPDATES) this.flush();
    else this.#schedule();
  }

  /** Clients whose awareness changed (added, updated or removed); their latest state is sent. */
  queueAwareness(clientIds: Iterable<number>): void {
    for (const id of clientIds) this.#awarenessClients.add(id);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== null) return;
    const interval = flushInterval(this.ctx.getWebSockets().length);
    const wait = Math.max(0, this.#lastFlushAt + interval - Date.now());
    this.#timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#lastFlushAt = Date.now();
    this.#pendingUpdates = 0;
    const stored = this.commit();
    if (!stored) {
      this.#awarenessClients.clear();
      return;
    }
    const frames = [this.#updateFrame(stored), this.#awarenessFrame()].filter((f): f is Uint8Array => f !== null);
    if (frames.length === 0) return;
    // No readyState check: the runtime's getter costs as much as a send, per socket per flush;
    // a socket that is closing throws, and its onClose does the bookkeeping.
    for (const socket of this.ctx.getWebSockets()) {
      try {
        for (const frame of frames) socket.send(frame);
      } catch {
        // closed or closing
      }
    }
  }

  #updateFrame(updates: Uint8Array[]): Uint8Array | null {
    if (updates.length === 0) return null;
    return syncUpdateFrame(updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
  }

  #awarenessFrame(): Uint8Array | null {
    // Only clients the awareness instance knows (a removal keeps their clock in meta).
    const clients = [...this.#awarenessClients].filter((id) => this.awareness.meta.has(id));
    this.#awarenessClients.clear();
    if (clients.length === 0) return null;
    return awarenessStatesFrame(this.awareness, clients);
  }
}
