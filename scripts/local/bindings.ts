// The Worker's bindings for local runtimes outside `alchemy dev` (the vitest pool and the
// standalone server used by benchmarks and the resilience suite), mirroring alchemy.run.ts.
// One place, so tests, benchmarks and dev cannot drift apart.
export const COMPATIBILITY_DATE = "2026-07-01";
export const COMPATIBILITY_FLAGS = ["nodejs_compat"];

export function workerBindings(vars: Record<string, unknown> = {}) {
  return {
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    d1Databases: ["DB"],
    r2Buckets: ["STORAGE"],
    kvNamespaces: ["CACHE"],
    queueProducers: { JOBS: { queueName: "roomful-jobs" } },
    queueConsumers: {
      "roomful-jobs": {
        maxBatchSize: 10,
        maxBatchTimeout: 0.1,
        maxRetries: 3,
        retryDelay: 0,
        deadLetterQueue: "roomful-jobs-dlq",
      },
      "roomful-jobs-dlq": { maxBatchSize: 10, maxBatchTimeout: 0.1, maxRetries: 1 },
    },
    durableObjects: {
      ROOM: { className: "Room", useSQLite: true },
      PRESENCE: { className: "Presence", useSQLite: true },
    },
    workflows: { ONBOARDING: { name: "onboarding", className: "OnboardingWorkflow" } },
    bindings: {
      SESSION_SECRET: "local-session-secret",
      ADMIN_TOKEN: "local-admin-token",
      APP_ENV: "test",
      ALLOWED_ORIGINS: "http://localhost:3000",
      MAX_UPLOAD_BYTES: String(100 * 1024 * 1024),
      JOB_RETRY_DELAY_SECONDS: "0",
      MAIL_SENDER: "outbox",
      MAIL_FROM: "Roomful <hello@roomful.local>",
      MAIL_API_URL: "",
      ...vars,
    },
  };
}
