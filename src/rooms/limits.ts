// Room limits, configurable per deployment through plain-text vars (src/core/config.ts has
// their defaults and why the document cap is 4 MiB).
import { config } from "../core/config.ts";
import type { Env } from "../env.ts";

/** Rooms past this share of the cap get a warning sent to their editors. */
export const DOCUMENT_WARNING_RATIO = 0.75;

export type RoomLimits = {
  maxMessageBytes: number;
  maxDocumentBytes: number;
  /**
   * Per-connection frame budget (updates, awareness, sync): a token bucket of `frameBurst`,
   * refilled at `framesPerSecond`, held in memory, so it restarts full when the room wakes from
   * hibernation, which is acceptable for a flood guard.
   */
  frameBurst: number;
  framesPerSecond: number;
};

export function roomLimits(env: Env): RoomLimits {
  const vars = config(env);
  return {
    maxMessageBytes: vars.ROOM_MAX_MESSAGE_BYTES,
    maxDocumentBytes: vars.ROOM_MAX_DOCUMENT_BYTES,
    frameBurst: vars.ROOM_FRAME_BURST,
    framesPerSecond: vars.ROOM_FRAMES_PER_SECOND,
  };
}
