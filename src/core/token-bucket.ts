// Token buckets keyed by a string (a user, a connection). In memory on purpose: they only have
// to hold while an object is busy, and an object that hibernated has refilled every bucket anyway.

type Bucket = { tokens: number; at: number };

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    readonly burst: number,
    readonly perSecond: number,
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
