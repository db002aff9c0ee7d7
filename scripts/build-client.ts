// The client bundle (dist/client): Bun's HTML bundler with Tailwind CSS 4, then the app shell's
// service worker (src/client/sw.ts) for exactly the files this build wrote. The `bun build` CLI
// cannot load plugins, so this is Bun.build; run it with `bun scripts/build-client.ts`.
// Used by `npm run build` and by alchemy's BunSPA when deploying.
import tailwind from "bun-plugin-tailwind";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { printClientSizes } from "./client-sizes.ts";

// Bun's own types are not installed (the Worker's tsconfig has workers types); this is the
// slice of Bun.build used here.
type BuildOutput = { path: string; kind: "entry-point" | "chunk" | "asset" | "sourcemap" | "bytecode" };
type BunBuild = (options: {
  entrypoints: string[];
  outdir: string;
  target: "browser";
  format?: "esm" | "iife";
  splitting?: boolean;
  naming?: string;
  minify: boolean;
  sourcemap: "linked" | "none";
  env?: string;
  define: Record<string, string>;
  plugins: unknown[];
}) => Promise<{ success: boolean; logs: unknown[]; outputs: BuildOutput[] }>;

const { Bun } = globalThis as unknown as { Bun: { build: BunBuild } };
const outdir = path.resolve(process.argv[2] ?? "dist/client");
const define = { "process.env.NODE_ENV": JSON.stringify(process.env.NODE_ENV ?? "production") };

function check(result: { success: boolean; logs: unknown[] }): void {
  for (const log of result.logs) console.log(log);
  if (!result.success) process.exit(1);
}

// splitting: the editor is imported lazily (RoomView), so the room list does not wait for it.
const app = await Bun.build({
  entrypoints: ["src/client/index.html"],
  outdir,
  target: "browser",
  splitting: true,
  minify: true,
  sourcemap: "linked",
  env: "BUN_PUBLIC_*",
  define: { ...define, "process.env.ROOMFUL_SHELL_WORKER": JSON.stringify("/sw.js") },
  plugins: [tailwind],
});
check(app);

// The shell: every file but source maps; the document is cached as "/" (what a navigation asks
// for; "/index.html" may redirect, and a redirected response cannot answer a navigation).
const shell = app.outputs
  .filter((output) => output.kind !== "sourcemap")
  .map((output) => path.relative(outdir, output.path).split(path.sep).join("/"))
  .sort();
const version = createHash("sha256");
for (const file of shell) version.update(file).update(readFileSync(path.join(outdir, file)));
const shellUrls = shell.map((file) => (file === "index.html" ? "/" : `/${file}`)).sort((a, b) => (a === "/" ? -1 : b === "/" ? 1 : 0));

const worker = await Bun.build({
  entrypoints: ["src/client/sw.ts"],
  outdir,
  target: "browser",
  format: "iife",
  naming: "sw.js",
  minify: true,
  sourcemap: "none",
  define: { ...define, SHELL_VERSION: JSON.stringify(version.digest("hex").slice(0, 16)), SHELL_FILES: JSON.stringify(shellUrls) },
  plugins: [],
});
check(worker);

printClientSizes(outdir, app.outputs);
console.log(`Client: ${app.outputs.length + worker.outputs.length} files in ${path.relative(process.cwd(), outdir) || "."} (service worker caches ${shellUrls.length})`);
