// End-to-end tests: plain Node (not the workers pool). They start `npm run dev` themselves
// and drive Debian's Chromium through playwright-core; see test/e2e/.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    environment: "node",
    testTimeout: 240_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
