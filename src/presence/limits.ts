// Per-user limits of the presence object, configurable per deployment through plain-text vars
// like the rooms' (src/rooms/limits.ts); the benchmarks lift them to measure the object itself.
import type { Env } from "../env.ts";
import { FRAME_BURST, FRAMES_PER_SECOND } from "./rate-limit.ts";

/** Chat sockets per user (tabs, scripts); one more closes the oldest, so a reload never locks anyone out. */
export const MAX_SOCKETS_PER_USER = 8;

export type PresenceLimits = {
  socketsPerUser: number;
  /** Every frame of a user's sockets, any type: a token bucket (rate-limit.ts). */
  frameBurst: number;
  framesPerSecond: number;
};

function positiveInt(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export function presenceLimits(env: Env): PresenceLimits {
  const vars = env as unknown as Record<string, unknown>;
  return {
    socketsPerUser: positiveInt(vars.CHAT_SOCKETS_PER_USER, MAX_SOCKETS_PER_USER),
    frameBurst: positiveInt(vars.CHAT_FRAME_BURST, FRAME_BURST),
    framesPerSecond: positiveInt(vars.CHAT_FRAMES_PER_SECOND, FRAMES_PER_SECOND),
  };
}
