// A standalone local runtime for the benchmarks and the resilience suite: the production
// Worker bundle in workerd (Miniflare) with the deployment's bindings and defaults
// (scripts/local/bindings.ts), changed only by --var; state persisted under --state so a
// killed process restarts with everything it had stored.
//
//   node scripts/local/serve.ts --port 8799 --state .local-stack
//
// Prints `READY <url>` once migrations are applied and requests are served.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { miniflareOptions } from "./bindings.ts";
import { buildWorker } from "./build-worker.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8799" },
    state: { type: "string", default: ".local-stack" },
    "no-build": { type: "boolean", default: false },
    var: { type: "string", multiple: true, default: [] },
    // workerd's V8 inspector (Chrome DevTools protocol), e.g. for the resilience suite's heap checks.
    "inspector-port": { type: "string" },
  },
});

const root = path.resolve(import.meta.dirname, "../..");

// The Miniflare that `alchemy dev` runs (alchemy's own copy), so this is the dev runtime.
const miniflarePath = createRequire(path.join(root, "node_modules/alchemy/package.json")).resolve("miniflare");
const { Miniflare } = (await import(pathToFileURL(miniflarePath).href)) as typeof import("miniflare");
const stateDir = path.resolve(values.state);
const scriptPath = path.join(stateDir, "worker", "index.js");
if (!values["no-build"]) await buildWorker(scriptPath, { minify: false });

// Vars as --var NAME=value (e.g. lifted limits for the benchmarks); anything else is the default.
const vars = Object.fromEntries(values.var.map((pair) => pair.split(/=(.*)/s).slice(0, 2) as [string, string]));

const mf = new Miniflare({
  ...miniflareOptions({ vars }),
  modules: true,
  modulesRoot: path.dirname(scriptPath),
  scriptPath,
  host: "127.0.0.1",
  port: Number(values.port),
  defaultPersistRoot: path.join(stateDir, "data"),
  ...(values["inspector-port"] ? { inspectorPort: Number(values["inspector-port"]) } : {}),
} as never);
const url = await mf.ready;

// Apply D1 migrations in order, once each (tracked like wrangler's d1_migrations table).
const db = await mf.getD1Database("DB");
await db.exec("CREATE TABLE IF NOT EXISTS d1_migrations (name TEXT PRIMARY KEY, applied_at INTEGER)");
const applied = new Set((await db.prepare("SELECT name FROM d1_migrations").all<{ name: string }>()).results.map((r) => r.name));
const migrationsDir = path.join(root, "migrations");
for (const file of readdirSync(migrationsDir).filter((f) => f.endsWith(".sql")).sort()) {
  if (applied.has(file)) continue;
  const statements = readFileSync(path.join(migrationsDir, file), "utf8")
    .split("--> statement-breakpoint")
    .map((s) => s.trim())
    .filter(Boolean);
  await db.batch([
    ...statements.map((sql) => db.prepare(sql)),
    db.prepare("INSERT INTO d1_migrations (name, applied_at) VALUES (?, ?)").bind(file, Date.now()),
  ]);
}

console.log(`READY ${url.origin}`);

const stop = async () => {
  await mf.dispose();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
