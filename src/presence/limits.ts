// Per-user limits of the presence object, configurable per deployment through plain-text vars
// (src/core/config.ts has their defaults); the benchmarks lift them to measure the object itself.
import { config } from "../core/config.ts";
import type { Env } from "../env.ts";

export type PresenceLimits = {
  /** Chat sockets per user (tabs, scripts); one more closes the oldest. */
  socketsPerUser: number;
  /** Every frame of a user's sockets, any type: a token bucket (src/core/token-bucket.ts). */
  frameBurst: number;
  framesPerSecond: number;
};

export function presenceLimits(env: Env): PresenceLimits {
  const vars = config(env);
  return {
    socketsPerUser: vars.CHAT_SOCKETS_PER_USER,
    frameBurst: vars.CHAT_FRAME_BURST,
    framesPerSecond: vars.CHAT_FRAMES_PER_SECOND,
  };
}
