// Per-user token buckets. In memory on purpose: they only have to hold while the object is
// busy, and an object that hibernated (~10 s idle) has refilled every bucket anyway.

/** Chat writes (send, edit, delete, socket or REST). */
export const RATE_BURST = 10;
export const RATE_PER_SECOND = 2;

/**
 * Every frame of a user's chat sockets, of any type (view, subscribe, history, typing and the
 * writes too): room for several tabs re-announcing their view and channels after a reconnect,
 * not for a flood that makes the object fan out or page history hundreds of times a second.
 */
export const FRAME_BURST = 60;
export const FRAMES_PER_SECOND = 20;

type Bucket = { tokens: number; at: number };

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    readonly burst = RATE_BURST,
    readonly perSecond = RATE_PER_SECOND,
  ) {}

  /** Takes one token; returns 0 when allowed, else the milliseconds until one is free. */
  take(key: string, now = Date.now()): number {
    const bucket = this.#buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.perSecond) * 1000);
  }

  forget(key: string): void {
    this.#buckets.delete(key);
  }
}
