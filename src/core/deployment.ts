// The deployment, described once: alchemy.run.ts builds Cloudflare's resources (and `alchemy dev`)
// from it, and scripts/local/bindings.ts the Miniflare options of tests, benchmarks and the
// resilience suite, so they cannot drift apart. Not part of the Worker bundle.
import { CONFIG_DEFAULTS, type ConfigVar, parseConfig } from "./config.ts";

export const COMPATIBILITY_DATE = "2026-07-01";
// no_web_socket_compression: room and chat frames are small and frequent (a keystroke's Yjs
// update is tens of bytes), so permessage-deflate costs a zlib context per socket and CPU on
// both ends for almost no bytes saved; y-websocket-server and Hocuspocus do not compress either.
// bench/ measured it: 200 readers fell ~300 ms behind with it, not without. Locally, Miniflare's
// own entry Worker sits in front and still negotiates it, so bench/ and the resilience suite's
// clients do not offer it (as production's runtime would answer).
export const COMPATIBILITY_FLAGS = ["nodejs_compat", "no_web_socket_compression"];

/** Hourly housekeeping (src/api/scheduled.ts): sweeps abandoned resumable uploads. */
export const CRON_SCHEDULES = ["17 * * * *"];

// alchemy 0.94 in dev only wires producer and consumer together when a queue's name equals its
// id, so both queues use one string for both.
export const JOB_QUEUE = "roomful-jobs";
export const DEAD_LETTER_QUEUE = "roomful-jobs-dlq";

/** How a queue is consumed, in alchemy's (Cloudflare's) terms. */
export type ConsumerSettings = { batchSize: number; maxRetries: number; maxWaitTimeMs: number; retryDelay?: number };

/**
 * The job queue's consumer: 3 retries, then the dead-letter queue. A batch that fails as a whole
 * is retried after the same first delay the consumer gives a failed job (JOB_RETRY_DELAY_SECONDS).
 */
export function jobConsumer(vars: Vars): ConsumerSettings {
  return { batchSize: 10, maxRetries: 3, maxWaitTimeMs: 500, retryDelay: parseConfig(vars).JOB_RETRY_DELAY_SECONDS };
}
/** The dead-letter queue's consumer marks each job failed (src/api/jobs/consumer.ts). */
export const DEAD_LETTER_CONSUMER: ConsumerSettings = { batchSize: 10, maxRetries: 1, maxWaitTimeMs: 500 };

/** SQLite-backed Durable Objects: binding → class. */
export const DURABLE_OBJECTS = {
  ROOM: "Room",
  PRESENCE: "Presence",
  /** One per user: the rooms where they have open sockets, so revoking a credential reaches them. */
  USER_SOCKETS: "UserSockets",
} as const;

/** Bound as ONBOARDING; alchemy adds the stage to the name. */
export const ONBOARDING_WORKFLOW = { name: "onboarding", className: "OnboardingWorkflow" } as const;

/** Every plain-text var, as the runtime receives it. */
export type Vars = Record<ConfigVar, string>;

const asVar = (value: unknown): string => (Array.isArray(value) ? value.join(",") : String(value));

/** The config schema's defaults, as vars. */
export const DEFAULT_VARS = Object.fromEntries(
  Object.entries(CONFIG_DEFAULTS).map(([name, value]) => [name, asVar(value)]),
) as Vars;

/**
 * A deployment's vars: each from `source` where it is set (an empty value counts as unset, as
 * `X=` in a .env file), else its default; checked against the schema, so a bad value stops the
 * deploy or the local runtime before anything starts.
 */
export function deploymentVars(source: Readonly<Record<string, unknown>> = {}): Vars {
  const vars = Object.fromEntries(
    Object.entries(DEFAULT_VARS).map(([name, fallback]) => {
      const value = source[name];
      return [name, value === undefined || value === "" ? fallback : asVar(value)];
    }),
  ) as Vars;
  parseConfig(vars);
  return vars;
}
