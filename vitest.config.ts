// Tests run inside workerd with the real bindings (D1, R2, KV, Queues, Durable Objects,
// Workflows) from scripts/local/bindings.ts, which mirrors alchemy.run.ts; migrations are
// applied in setup.
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { workerBindings } from "./scripts/local/bindings.ts";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        main: "./src/api/index.ts",
        miniflare: workerBindings({
          SESSION_SECRET: "test-session-secret",
          ADMIN_TOKEN: "test-admin-token",
          ALLOWED_ORIGINS: "http://localhost:3000",
          // Small enough that tests cross it quickly, big enough for a three-part upload.
          MAX_UPLOAD_BYTES: String(12 * 1024 * 1024),
          // A storage quota a test can fill with three uploads (test/api/quotas.test.ts).
          MAX_STORED_BYTES_PER_USER: String(30 * 1024 * 1024),
          MAIL_FROM: "Roomful <hello@roomful.test>",
          // A small document cap so the "document full" path is reachable in a test.
          ROOM_MAX_DOCUMENT_BYTES: String(256 * 1024),
          TEST_MIGRATIONS: migrations,
        }),
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
