// Folders of src/ depend one way: this fails when two top-level folders import each other,
// directly or through others (a cycle), or when the core imports one of its callers.
// Run by `npm test` (so CI runs it); `node scripts/check-imports.ts` prints the graph.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const src = path.resolve(import.meta.dirname, "../src");
/** What the core may import: nothing that calls it. */
const CORE_MAY_IMPORT = new Set(["core", "shared", "db", "env.ts"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith(".d.ts") ? [full] : [];
  });
}

/** `src/api/rooms/x.ts` → "api"; `src/env.ts` → "env.ts"; outside src → null. */
function folderOf(file: string): string | null {
  const relative = path.relative(src, file);
  if (relative.startsWith("..")) return null;
  return relative.split(path.sep)[0]!;
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

const edges = new Map<string, Map<string, string>>(); // from folder → to folder → an example
for (const file of files(src)) {
  const from = folderOf(file)!;
  for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2]!;
    if (!specifier.startsWith(".")) continue;
    const to = folderOf(path.resolve(path.dirname(file), specifier));
    if (!to || to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, `${path.relative(src, file)} → ${specifier}`);
  }
}

/** Every folder reachable from `start`, with the path that reached it. */
function reachable(start: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  while (queue.length) {
    const at = queue.shift()!;
    for (const next of edges.get(at)?.keys() ?? []) {
      if (seen.has(next)) continue;
      seen.set(next, [...seen.get(at)!, next]);
      queue.push(next);
    }
  }
  return seen;
}

const problems: string[] = [];
for (const [from, targets] of edges) {
  for (const [to, example] of targets) {
    const back = reachable(to).get(from);
    if (back) problems.push(`cycle ${from} → ${[...back].join(" → ")} (first edge: ${example})`);
  }
}
for (const [to, example] of edges.get("core") ?? []) {
  if (!CORE_MAY_IMPORT.has(to)) problems.push(`core imports its caller "${to}" (${example})`);
}

if (process.argv.includes("--graph")) {
  for (const [from, targets] of [...edges].sort()) console.log(`${from} → ${[...targets.keys()].sort().join(", ")}`);
}
if (problems.length) {
  console.error(`Import rules broken (${problems.length}):\n${problems.map((p) => `  ${p}`).join("\n")}`);
  process.exit(1);
}
console.log(`imports: ${edges.size} folders of src/ depend one way, the core on nothing that calls it`);
