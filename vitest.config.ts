// Tests run inside workerd with the real bindings (D1, R2, KV, Queues, Durable Objects,
// Workflows) from scripts/local/bindings.ts, built from the same deployment description as
// alchemy.run.ts; migrations are applied in setup. Below: everything tests change, and why
// (test/core/deployment.test.ts checks that nothing else differs from the defaults).
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { miniflareOptions } from "./scripts/local/bindings.ts";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        main: "./src/api/index.ts",
        miniflare: miniflareOptions({
          vars: {
            // The web client's origin in dev, for the CORS and cross-site tests.
            ALLOWED_ORIGINS: "http://localhost:3000",
            // Small enough that tests cross it quickly, big enough for a three-part upload.
            MAX_UPLOAD_BYTES: String(12 * 1024 * 1024),
            // A storage quota a test can fill with three uploads (test/api/storage-quotas.test.ts).
            MAX_STORED_BYTES_PER_USER: String(30 * 1024 * 1024),
            // A small document cap so the "document full" path is reachable in a test.
            ROOM_MAX_DOCUMENT_BYTES: String(256 * 1024),
            // Failed jobs retry at once, so a job's way to the dead-letter queue takes seconds.
            JOB_RETRY_DELAY_SECONDS: "0",
            // Digest emails a second after the notification (test/api/notifications.test.ts).
            NOTIFY_DELAY_SECONDS: "1",
            // Comment bounds a test can reach (test/rooms/comments.test.ts).
            COMMENT_THREADS_PER_ROOM: "20",
            COMMENTS_PER_THREAD: "5",
            COMMENT_BYTES_PER_ROOM: "65536",
            // Webhook tests deliver to a receiver on 127.0.0.1 (test/setup/webhook-receiver.ts).
            WEBHOOK_ALLOW_LOOPBACK: "true",
          },
          // Queue batches flush after 100 ms, so tests see a job's outcome quickly.
          queueBatchWaitMs: 100,
          bindings: {
            SESSION_SECRET: "test-session-secret",
            ADMIN_TOKEN: "test-admin-token",
            TEST_MIGRATIONS: migrations,
          },
        }),
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["test/e2e/**", "test/resilience/**"],
      setupFiles: ["./test/setup/apply-migrations.ts"],
      // A webhook receiver on 127.0.0.1 (test/api/webhooks.test.ts), outside workerd.
      globalSetup: ["./test/setup/webhook-receiver.ts"],
      testTimeout: 20_000,
    },
  };
});
