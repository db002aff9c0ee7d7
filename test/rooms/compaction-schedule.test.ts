// When a room checks whether to compact its update log (src/rooms/compaction.ts): after edits
// pause, and at least every 10 s while they go on; never in the turn of an edit.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CompactionSchedule, COMPACT_AFTER_BYTES, COMPACT_AFTER_UPDATES, logIsLong } from "../../src/rooms/compaction.ts";

describe("compaction schedule", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("checks 2 s after the last edit, once", () => {
    const check = vi.fn();
    const schedule = new CompactionSchedule(check);
    schedule.noteEdit();
    expect(check).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_500);
    schedule.noteEdit();
    vi.advanceTimersByTime(1_900);
    expect(check).not.toHaveBeenCalled();
    vi.advanceTimersByTime(200);
    expect(check).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(30_000);
    expect(check).toHaveBeenCalledTimes(1);
  });

  it("checks at least every 10 s while edits keep coming", () => {
    const check = vi.fn();
    const schedule = new CompactionSchedule(check);
    for (let second = 0; second < 25; second++) {
      schedule.noteEdit();
      vi.advanceTimersByTime(1_000);
    }
    expect(check).toHaveBeenCalledTimes(2);
  });

  it("compacts a log that is long in updates or in bytes", () => {
    expect(logIsLong({ logCount: COMPACT_AFTER_UPDATES - 1, logBytes: 0 })).toBe(false);
    expect(logIsLong({ logCount: COMPACT_AFTER_UPDATES, logBytes: 0 })).toBe(true);
    expect(logIsLong({ logCount: 1, logBytes: COMPACT_AFTER_BYTES })).toBe(true);
  });
});
