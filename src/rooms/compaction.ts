// When a room merges its update log into one state. Durability never waits for this (every
// update is appended in the turn that applies it); compaction only keeps the log and the load
// time short. It is checked 2 s after the last edit, and at least every 10 s while edits keep
// coming (y-partyserver's onSave timing), never in the turn of an edit.

/** Compact the update log once it holds this many updates or bytes. */
export const COMPACT_AFTER_UPDATES = 500;
export const COMPACT_AFTER_BYTES = 1024 * 1024;

const CHECK_AFTER_QUIET_MS = 2_000;
const CHECK_AT_LEAST_EVERY_MS = 10_000;

export function logIsLong({ logCount, logBytes }: { logCount: number; logBytes: number }): boolean {
  return logCount >= COMPACT_AFTER_UPDATES || logBytes >= COMPACT_AFTER_BYTES;
}

/** Runs `check` once edits pause (or have gone on for a while); one timer, not one per edit. */
export class CompactionSchedule {
  #firstEditAt: number | null = null;
  #lastEditAt = 0;

  constructor(private readonly check: () => void) {}

  noteEdit(): void {
    this.#lastEditAt = Date.now();
    if (this.#firstEditAt !== null) return; // the timer is set; it re-checks when it fires
    this.#firstEditAt = this.#lastEditAt;
    setTimeout(this.#fire, CHECK_AFTER_QUIET_MS);
  }

  #fire = (): void => {
    const due = Math.min(this.#lastEditAt + CHECK_AFTER_QUIET_MS, this.#firstEditAt! + CHECK_AT_LEAST_EVERY_MS);
    const wait = due - Date.now();
    if (wait > 0) {
      setTimeout(this.#fire, wait);
      return;
    }
    this.#firstEditAt = null;
    this.check();
  };
}
