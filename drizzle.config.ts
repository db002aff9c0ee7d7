import { defineConfig } from "drizzle-kit";

// `npm run db:generate` diffs src/db/schema.ts against migrations/meta and writes the next SQL file.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
