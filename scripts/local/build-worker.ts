// Bundles the Worker the way it ships: one ESM file for workerd.
import { build } from "esbuild";

export async function buildWorker(outfile: string, options: { minify?: boolean } = {}): Promise<void> {
  await build({
    entryPoints: ["src/api/index.ts"],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    minify: options.minify ?? true,
    sourcemap: true,
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    logLevel: "warning",
  });
}
