// Tests run inside workerd with the real bindings (D1, R2, KV, Queues, Durable Objects,
// Workflows) declared here to mirror alchemy.run.ts; migrations are applied in setup.
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        main: "./src/api/index.ts",
        miniflare: {
          compatibilityDate: "2026-07-01",
          compatibilityFlags: ["nodejs_compat"],
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
            SESSION_SECRET: "test-session-secret",
            ADMIN_TOKEN: "test-admin-token",
            APP_ENV: "test",
            ALLOWED_ORIGINS: "http://localhost:3000",
            // Small enough that tests cross it quickly, big enough for a three-part upload.
            MAX_UPLOAD_BYTES: String(12 * 1024 * 1024),
            JOB_RETRY_DELAY_SECONDS: "0",
            MAIL_SENDER: "outbox",
            MAIL_FROM: "Roomful <hello@roomful.test>",
            MAIL_API_URL: "",
            TEST_MIGRATIONS: migrations,
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["test/e2e/**", "test/resilience/**"],
      setupFiles: ["./test/setup/apply-migrations.ts"],
      testTimeout: 20_000,
    },
  };
});
