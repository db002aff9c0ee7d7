// The client bundle (dist/client): Bun's HTML bundler with Tailwind CSS 4. The `bun build`
// CLI cannot load plugins, so this is Bun.build; run it with `bun scripts/build-client.ts`.
// Used by `npm run build` and by alchemy's BunSPA when deploying.
import tailwind from "bun-plugin-tailwind";

// Bun's own types are not installed (the Worker's tsconfig has workers types); this is the
// slice of Bun.build used here.
type BunBuild = (options: {
  entrypoints: string[];
  outdir: string;
  target: "browser";
  minify: boolean;
  sourcemap: "linked";
  env: string;
  define: Record<string, string>;
  plugins: unknown[];
}) => Promise<{ success: boolean; logs: unknown[]; outputs: { path: string }[] }>;

const { Bun } = globalThis as unknown as { Bun: { build: BunBuild } };
const outdir = process.argv[2] ?? "dist/client";

const result = await Bun.build({
  entrypoints: ["src/client/index.html"],
  outdir,
  target: "browser",
  minify: true,
  sourcemap: "linked",
  env: "BUN_PUBLIC_*",
  define: { "process.env.NODE_ENV": JSON.stringify(process.env.NODE_ENV ?? "production") },
  plugins: [tailwind],
});
for (const log of result.logs) console.log(log);
if (!result.success) process.exit(1);
console.log(`Client: ${result.outputs.length} files in ${outdir}`);
