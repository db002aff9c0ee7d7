// Presence updates (a tab viewing another room, one of several tabs closing) are coalesced:
// the first change after a quiet spell goes out at once, and changes within the next
// PRESENCE_FLUSH_MS are merged into one broadcast per user carrying only the latest rooms.
// A tab flipping rooms 400 times a second thus causes a few broadcasts, not 400.
import type { RosterEntry } from "./roster.ts";

export const PRESENCE_FLUSH_MS = 250;

export class PresenceCoalescer {
  /** Users with unannounced changes, each with their entry as everyone last saw it. */
  readonly #pending = new Map<string, RosterEntry | undefined>();
  // A short timer, not an alarm: it only delays hibernation by PRESENCE_FLUSH_MS, and a lost
  // flush (the object crashed) is repaired by the `welcome` every reconnecting client gets.
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastFlush = 0;

  constructor(private readonly announce: (userId: string, before: RosterEntry | undefined) => void) {}

  /** `before`: the user's roster entry just before this change. */
  changed(userId: string, before: RosterEntry | undefined, now = Date.now()): void {
    if (!this.#pending.has(userId)) this.#pending.set(userId, before);
    if (this.#timer !== null) return;
    const wait = this.#lastFlush + PRESENCE_FLUSH_MS - now;
    if (wait <= 0) this.flush(now);
    else this.#timer = setTimeout(() => this.flush(), wait);
  }

  flush(now = Date.now()): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#lastFlush = now;
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const [userId, before] of pending) this.announce(userId, before);
  }
}
