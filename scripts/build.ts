// `npm run build`: the production Worker bundle and the client assets, offline.
// Prints the Worker's gzip size against the free plan's 3 MiB limit.
import { buildWorker } from "./local/build-worker.ts";
import { gzipSync } from "node:zlib";
import { readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";

const WORKER_OUT = "dist/worker/index.js";
const FREE_PLAN_LIMIT = 3 * 1024 * 1024;

rmSync("dist", { recursive: true, force: true });

await buildWorker(WORKER_OUT);

const client = spawnSync("bun", ["scripts/build-client.ts", "dist/client"], {
  stdio: "inherit",
  env: { ...process.env, NODE_ENV: "production" },
});
if (client.status !== 0) process.exit(client.status ?? 1);

const worker = readFileSync(WORKER_OUT);
const gzipped = gzipSync(worker).byteLength;
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`Worker bundle: ${kib(worker.byteLength)} raw, ${kib(gzipped)} gzip (limit ${kib(FREE_PLAN_LIMIT)} on the free plan)`);
if (gzipped > FREE_PLAN_LIMIT) {
  console.error("Worker bundle is over the free plan's size limit.");
  process.exit(1);
}
