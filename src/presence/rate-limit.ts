// The presence object's per-user budgets (token buckets: src/core/token-bucket.ts).

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
