// Search at scale: Roomful alone (no reference server has search), on this machine.
//
//   node bench/search.mjs                                  # 1,000 documents, 100,000 chat messages
//   node bench/search.mjs --documents=100 --messages=5000  # smaller
//   node bench/search.mjs --state=/tmp/corpus              # keep the corpus; a later run with the
//                                                          # same --state only times the queries
//
// Starts Roomful (scripts/local/serve.ts, the production Worker in workerd) on 127.0.0.1:8804,
// writes documents through PUT /api/rooms/:id/document and chat through POST …/messages, so both
// reach the index through the real path (the Room's and the Presence object's hooks, the queue,
// the index jobs), then times GET /api/search as the rooms' owner (so the access predicate runs).
// Documents are slices of the automerge-paper editing trace's final text (bench/fixtures), a
// different ~4-8 KB window per document; messages are sentences drawn from the same text.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchUser, createRoom } from "./lib/roomful.mjs";
import { loadTrace } from "./lib/trace.mjs";
import { now, pool, sleep, startProcess, summary } from "./lib/util.mjs";

const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const DOCUMENTS = arg("documents", 1_000);
const MESSAGES = arg("messages", 100_000);
const ROOMS = Math.max(1, Math.min(DOCUMENTS, 1_000));
const QUERIES = arg("queries", 200);
const ADMIN = "local-admin-token";
const root = path.resolve(import.meta.dirname, "..");
// --state keeps the written corpus (index jobs take minutes at full size) so query changes can be
// timed again on the same data; without it, a fresh temporary directory is removed at the end.
const keptState = process.argv.find((a) => a.startsWith("--state="))?.split("=")[1];
const stateRoot = keptState ? path.resolve(keptState) : mkdtempSync(path.join(os.tmpdir(), "roomful-bench-search-"));
if (keptState) mkdirSync(stateRoot, { recursive: true });
const corpusMarker = path.join(stateRoot, "corpus.json");
const t0 = now();
const log = (...a) => console.error(`[${((now() - t0) / 1000).toFixed(1)}s]`, ...a);

async function call(base, method, p, { token, body, raw, type } = {}) {
  const headers = { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { "content-type": "application/json" }), ...(type && { "content-type": type }) };
  const res = await fetch(base + p, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

// ---- corpus -----------------------------------------------------------------------------
const text = loadTrace().endContent;
const paragraphs = text.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p.length > 40);
const sentences = text.split(/(?<=[.!?])\s+/).map((s) => s.replace(/\s+/g, " ").trim()).filter((s) => s.length > 20 && s.length < 400);
/** Document i: a run of paragraphs from a different starting point, 4-8 KB. */
function documentText(i) {
  const out = [];
  let size = 0;
  const target = 4_000 + ((i * 7919) % 4_000);
  for (let k = (i * 37) % paragraphs.length; size < target; k = (k + 1) % paragraphs.length) {
    out.push(paragraphs[k]);
    size += paragraphs[k].length;
  }
  return out.join("\n\n");
}
const messageText = (i) => sentences[(i * 104_729) % sentences.length];

/** Query words from the corpus itself: the most common long word, a rare one, a prefix, a frequent bigram. */
function pickQueries() {
  const words = text.toLowerCase().match(/[a-z]{5,}/g) ?? [];
  const counts = new Map();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  const byCount = [...counts].sort((a, b) => b[1] - a[1]);
  const common = byCount[0][0];
  const rare = byCount.find(([, n]) => n === 2)?.[0] ?? byCount.at(-1)[0];
  const prefix = `${byCount.find(([w]) => w.length >= 8)[0].slice(0, 4)}*`;
  const pairs = new Map();
  const tokens = text.toLowerCase().match(/[a-z]+/g) ?? [];
  for (let i = 1; i < tokens.length; i++) if (tokens[i - 1].length > 3 && tokens[i].length > 3) pairs.set(`${tokens[i - 1]} ${tokens[i]}`, (pairs.get(`${tokens[i - 1]} ${tokens[i]}`) ?? 0) + 1);
  const phrase = `"${[...pairs].sort((a, b) => b[1] - a[1])[0][0]}"`;
  return { common, rare, prefix, phrase };
}

// ---- run -----------------------------------------------------------------------------------
async function queueIdle(base, type) {
  for (;;) {
    const queued = await call(base, "GET", `/api/jobs?type=${type}&status=queued&limit=1`, { token: ADMIN });
    const running = await call(base, "GET", `/api/jobs?type=${type}&status=running&limit=1`, { token: ADMIN });
    if (queued.jobs.length === 0 && running.jobs.length === 0) return;
    await sleep(250);
  }
}

function databaseBytes() {
  const dir = path.join(stateRoot, "roomful", "data", "d1");
  let total = 0;
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.sqlite(-wal)?$/.test(name)) total += statSync(full).size;
    }
  };
  walk(dir);
  return total;
}

const server = await startProcess("roomful", [path.join(root, "scripts/local/serve.ts"), "--port", "8804", "--state", path.join(stateRoot, "roomful"),
  "--var", "MAX_ROOMS_PER_USER=1000000"]);
const base = server.url;
const results = { documents: DOCUMENTS, messages: MESSAGES, rooms: ROOMS };
try {
  const kept = existsSync(corpusMarker) ? JSON.parse(readFileSync(corpusMarker, "utf8")) : null;
  if (kept) {
    // A corpus written by an earlier run with the same --state: time the queries only.
    Object.assign(results, kept.results);
    log(`reusing the corpus in ${stateRoot}`);
  }
  const user = kept?.user ?? (await benchUser(base, "search-bench"));
  if (!kept) {
    log(`creating ${ROOMS} rooms`);
    const rooms = await pool(Array.from({ length: ROOMS }, (_, i) => i), 8, (i) => createRoom(base, user.token, `Search bench ${i}`));
    const bytesBefore = databaseBytes();

    log(`writing ${DOCUMENTS} documents`);
    let started = now();
    let docChars = 0;
    await pool(Array.from({ length: DOCUMENTS }, (_, i) => i), 8, async (i) => {
      const body = documentText(i);
      docChars += body.length;
      await call(base, "PUT", `/api/rooms/${rooms[i % ROOMS]}/document`, { token: user.token, raw: body, type: "text/plain" });
    });
    await queueIdle(base, "index-document");
    const docSeconds = (now() - started) / 1000;
    results.documentIndexing = { seconds: +docSeconds.toFixed(1), documentsPerSecond: +(DOCUMENTS / docSeconds).toFixed(1), averageChars: Math.round(docChars / DOCUMENTS) };
    log(results.documentIndexing);

    log(`posting ${MESSAGES} chat messages`);
    started = now();
    await pool(Array.from({ length: MESSAGES }, (_, i) => i), 16, (i) =>
      call(base, "POST", `/api/rooms/${rooms[i % ROOMS]}/messages`, { token: ADMIN, body: { body: messageText(i) } }),
    );
    const postSeconds = (now() - started) / 1000;
    // New messages are indexed per room (index-messages), edits and deletes one by one (index-message).
    await queueIdle(base, "index-messages");
    await queueIdle(base, "index-message");
    const msgSeconds = (now() - started) / 1000;
    results.messageIndexing = { postSeconds: +postSeconds.toFixed(1), indexedSeconds: +msgSeconds.toFixed(1), messagesPerSecond: +(MESSAGES / msgSeconds).toFixed(1) };
    log(results.messageIndexing);
    results.databaseBytes = { before: bytesBefore, after: databaseBytes() };
    if (keptState) writeFileSync(corpusMarker, JSON.stringify({ user, results }));
  }

  const queries = pickQueries();
  results.queries = {};
  for (const [kind, q] of Object.entries(queries)) {
    const samples = [];
    let hits = 0;
    for (let i = 0; i < QUERIES; i++) {
      const t = now();
      const page = await call(base, "GET", `/api/search?${new URLSearchParams({ q, limit: "20" })}`, { token: user.token });
      samples.push(now() - t);
      hits = page.results.length;
    }
    results.queries[kind] = { q, firstPageHits: hits, ...summary(samples) };
    log(kind, results.queries[kind]);
  }
} finally {
  await server.stop();
  if (!keptState) rmSync(stateRoot, { recursive: true, force: true });
}

const mb = (b) => (b / 1024 / 1024).toFixed(1);
const table = [
  `Search benchmark: ${DOCUMENTS} documents (avg ${results.documentIndexing.averageChars} chars) in ${ROOMS} rooms, ${MESSAGES} chat messages; ${new Date().toISOString()}`,
  "",
  "| query | q | hits (first page) | p50 ms | p95 ms | p99 ms |",
  "|---|---|---|---|---|---|",
  ...Object.entries(results.queries).map(([kind, r]) => `| ${kind} | \`${r.q}\` | ${r.firstPageHits} | ${r.p50} | ${r.p95} | ${r.p99} |`),
  "",
  "| indexing | figure |",
  "|---|---|",
  `| documents (PUT → indexed, through the queue) | ${results.documentIndexing.documentsPerSecond}/s (${results.documentIndexing.seconds} s) |`,
  `| chat messages (POST → indexed, through the queue) | ${results.messageIndexing.messagesPerSecond}/s (${results.messageIndexing.indexedSeconds} s; posting alone ${results.messageIndexing.postSeconds} s) |`,
  `| D1 database (all tables; index, entries and job rows) | ${mb(results.databaseBytes.before)} MB → ${mb(results.databaseBytes.after)} MB |`,
].join("\n");
console.log(table);
writeFileSync(path.join(root, "bench/results/latest-search.md"), `${table}\n`);
writeFileSync(path.join(root, "bench/results/latest-search.json"), JSON.stringify(results, null, 2));
