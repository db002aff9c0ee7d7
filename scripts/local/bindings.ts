// The Worker's bindings for local runtimes outside `alchemy dev` (the vitest pool and the
// standalone server used by benchmarks and the resilience suite), mirroring alchemy.run.ts.
// One place, so tests, benchmarks and dev cannot drift apart.
export const COMPATIBILITY_DATE = "2026-07-01";
// no_web_socket_compression: room and chat frames are small and frequent (a keystroke's Yjs
// update is tens of bytes), so permessage-deflate costs a zlib context per socket and CPU on
// both ends for almost no bytes saved; y-websocket-server and Hocuspocus do not compress either.
// bench/ measured it: 200 readers fell ~300 ms behind with it, not without. Locally, Miniflare's
// own entry Worker sits in front and still negotiates it, so bench/ and the resilience suite's
// clients do not offer it (as production's runtime would answer).
export const COMPATIBILITY_FLAGS = ["nodejs_compat", "no_web_socket_compression"];

// The Cron Trigger's schedule, as in alchemy.run.ts (src/api/scheduled.ts). Local runtimes also
// expose /cdn-cgi/handler/scheduled (unsafeTriggerHandlers) to fire it on demand; never deployed.
export const CRON_TRIGGERS = ["17 * * * *"];

export function workerBindings(vars: Record<string, unknown> = {}) {
  return {
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    cronTriggers: CRON_TRIGGERS,
    unsafeTriggerHandlers: true,
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
      USER_SOCKETS: { className: "UserSockets", useSQLite: true },
    },
    workflows: { ONBOARDING: { name: "onboarding", className: "OnboardingWorkflow" } },
    bindings: {
      SESSION_SECRET: "local-session-secret",
      ADMIN_TOKEN: "local-admin-token",
      APP_ENV: "test",
      ALLOWED_ORIGINS: "http://localhost:3000",
      MAX_UPLOAD_BYTES: String(100 * 1024 * 1024),
      MAX_ROOMS_PER_USER: "100",
      MAX_STORED_BYTES_PER_USER: String(1024 * 1024 * 1024),
      JOB_RETRY_DELAY_SECONDS: "0",
      MAIL_SENDER: "outbox",
      MAIL_FROM: "Roomful <hello@roomful.local>",
      MAIL_API_URL: "",
      ...vars,
    },
  };
}
