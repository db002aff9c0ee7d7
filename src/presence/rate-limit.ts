// The presence object's per-user chat write budget (token buckets: src/core/token-bucket.ts); the
// budget over every frame is configurable (CHAT_FRAME_BURST in src/core/config.ts).

/** Chat writes (send, edit, delete, socket or REST). */
export const RATE_BURST = 10;
export const RATE_PER_SECOND = 2;
