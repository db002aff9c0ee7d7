// The Worker's Miniflare options for local runtimes outside `alchemy dev` (the vitest pool, and
// the standalone server used by benchmarks and the resilience suite), built from the same
// deployment description as alchemy.run.ts (src/core/deployment.ts). Callers override only what
// they must, each in one visible place: vitest.config.ts, bench/run.mjs, test/resilience/stack.ts.
import { configSchema, type ConfigVar } from "../../src/core/config.ts";
import {
  COMPATIBILITY_DATE,
  COMPATIBILITY_FLAGS,
  type ConsumerSettings,
  CRON_SCHEDULES,
  DEAD_LETTER_CONSUMER,
  DEAD_LETTER_QUEUE,
  DURABLE_OBJECTS,
  deploymentVars,
  JOB_QUEUE,
  jobConsumer,
  ONBOARDING_WORKFLOW,
} from "../../src/core/deployment.ts";

/** Local stand-ins for the secrets alchemy binds; no real credential. */
export const LOCAL_SECRETS = { SESSION_SECRET: "local-session-secret", ADMIN_TOKEN: "local-admin-token" };

export type LocalOverrides = {
  /** Plain-text vars (src/core/config.ts), checked like a deployment's. */
  vars?: Partial<Record<ConfigVar, string>>;
  /** Bound as they are: secrets, test-only bindings. */
  bindings?: Record<string, unknown>;
  /** How long both queue consumers wait to fill a batch, instead of the deployed wait. */
  queueBatchWaitMs?: number;
};

/** A consumer in Miniflare's terms, as `alchemy dev` translates it (seconds, not ms). */
function miniflareConsumer(settings: ConsumerSettings, deadLetterQueue?: string) {
  return {
    maxBatchSize: settings.batchSize,
    maxBatchTimeout: settings.maxWaitTimeMs / 1000,
    maxRetries: settings.maxRetries,
    ...(settings.retryDelay === undefined ? {} : { retryDelay: settings.retryDelay }),
    ...(deadLetterQueue ? { deadLetterQueue } : {}),
  };
}

export function miniflareOptions(overrides: LocalOverrides = {}) {
  const unknown = Object.keys(overrides.vars ?? {}).filter((name) => !(name in configSchema.shape));
  if (unknown.length) throw new Error(`Unknown vars: ${unknown.join(", ")} (src/core/config.ts lists them)`);
  const vars = deploymentVars(overrides.vars);
  const wait = overrides.queueBatchWaitMs === undefined ? {} : { maxWaitTimeMs: overrides.queueBatchWaitMs };
  return {
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    cronTriggers: CRON_SCHEDULES,
    // Exposes /cdn-cgi/handler/scheduled to fire the cron on demand; local only, never deployed.
    unsafeTriggerHandlers: true,
    d1Databases: ["DB"],
    r2Buckets: ["STORAGE"],
    kvNamespaces: ["CACHE"],
    queueProducers: { JOBS: { queueName: JOB_QUEUE } },
    queueConsumers: {
      [JOB_QUEUE]: miniflareConsumer({ ...jobConsumer(vars), ...wait }, DEAD_LETTER_QUEUE),
      [DEAD_LETTER_QUEUE]: miniflareConsumer({ ...DEAD_LETTER_CONSUMER, ...wait }),
    },
    durableObjects: Object.fromEntries(
      Object.entries(DURABLE_OBJECTS).map(([binding, className]) => [binding, { className, useSQLite: true }]),
    ),
    workflows: { ONBOARDING: { ...ONBOARDING_WORKFLOW } },
    bindings: { ...LOCAL_SECRETS, ...vars, ...overrides.bindings },
  };
}
