// Room limits, configurable per deployment through plain-text vars.
//
// Document cap: a Yjs document typed character by character needs ~10-20x its encoded
// size in heap (measured here: 10-12x for the automerge-paper trace; dmonad's B4x100
// benchmark: 20x), and compaction briefly holds another 2-3 encoded copies. With 128 MB
// per isolate (shared by every object in it), 4 MiB encoded (~90 MB worst case) is the
// largest safe default; the suggested 32 MiB would need 600+ MB of heap.
import type { Env } from "../env.ts";

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
/** Rooms past this share of the cap get a warning sent to their editors. */
export const DOCUMENT_WARNING_RATIO = 0.75;

export type RoomLimits = {
  maxMessageBytes: number;
  maxDocumentBytes: number;
  /** Per-connection frame budget: a token bucket of `frameBurst`, refilled at `framesPerSecond`. */
  frameBurst: number;
  framesPerSecond: number;
};

function positiveInt(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export function roomLimits(env: Env): RoomLimits {
  const vars = env as unknown as Record<string, unknown>;
  return {
    maxMessageBytes: positiveInt(vars.ROOM_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_BYTES),
    maxDocumentBytes: positiveInt(vars.ROOM_MAX_DOCUMENT_BYTES, DEFAULT_MAX_DOCUMENT_BYTES),
    frameBurst: positiveInt(vars.ROOM_FRAME_BURST, FRAME_BURST),
    framesPerSecond: positiveInt(vars.ROOM_FRAMES_PER_SECOND, FRAMES_PER_SECOND),
  };
}

/**
 * Per-connection frame budget (updates, awareness, sync): a token bucket held in memory, so it
 * restarts full when the room wakes from hibernation, which is acceptable for a flood guard.
 * Fast typing is ~10-20 frames/s and a paste is one frame, far below it. Configurable with
 * ROOM_FRAME_BURST / ROOM_FRAMES_PER_SECOND (the benchmarks lift it to measure the server itself).
 */
export const FRAME_BURST = 500;
export const FRAMES_PER_SECOND = 100;

/** WebSocket close codes a room uses; 4400-4499 stop the stock y-websocket client from retrying. */
export const CloseCode = {
  malformed: 4400,
  forbidden: 4403,
  deleted: 4404,
  tooLarge: 4413,
  documentFull: 4409,
  reset: 4500,
  /** Over the frame budget: 4500-4599 is "try again later", so the client reconnects and resyncs. */
  rateLimited: 4529,
} as const;
