// Roomful against the reference Yjs servers, on this machine, in one run.
//
//   npm run bench              # the full run (~15 minutes: three trials of fan-out, writers and
//                              # the whole-trace replay per server, medians in the table)
//   npm run bench -- --quick   # a small version, one trial each (about 4 minutes: the reconnect
//                              # storm and the memory scenario take 3 of them)
//
// Starts Roomful (scripts/local/serve.ts: the production Worker in workerd), @y/websocket-server
// and Hocuspocus on 127.0.0.1:8801-8803, drives all three from this one Node process, prints one
// table and writes bench/results/latest.json and latest-<mode>.md (git-ignored but for
// latest-full.md, the table README.md quotes, committed on purpose).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as Y from "yjs";
import { openClient, trackProgress } from "./lib/clients.mjs";
import { benchUser, createRoom, documentStats, takeSnapshot } from "./lib/roomful.mjs";
import { applyOp, loadTrace } from "./lib/trace.mjs";
import { cachedDocument } from "./lib/documents.mjs";
import { INSPECTOR_PORT, startProfile } from "./lib/profile.mjs";
import { median, now, pool, sleep, startProcess, summary, waitFor } from "./lib/util.mjs";
import { roomMemory } from "./memory.mjs";
import { reconnectStorm } from "./reconnect.mjs";
import { chatDelivery } from "./chat.mjs";

const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7).split(",");
const C = quick
  ? { trials: 1, fanoutReaders: [1, 50, 200], fanoutOps: 80, fanoutRate: 40, writers: [[10, 30], [50, 6]], coldCopies: [1], coldTrials: 1, replayOps: 2_000, presence: [100, 500], chatMessages: 10, stormClients: 200 }
  : { trials: 3, fanoutReaders: [1, 50, 200], fanoutOps: 400, fanoutRate: 40, writers: [[10, 400], [50, 80]], coldCopies: [1, 10], coldTrials: 3, replayOps: Infinity, presence: [100, 500], chatMessages: 100, stormClients: 200 };
// --servers=roomful,yws narrows a run while profiling; the table then compares with fewer references.
// --replay-ops=N replays only the trace's first N operations (profiling the replay stage).
const replayOps = Number(process.argv.find((a) => a.startsWith("--replay-ops="))?.slice(13));
if (replayOps > 0) C.replayOps = replayOps;
const SERVERS = process.argv.find((a) => a.startsWith("--servers="))?.slice(10).split(",") ?? ["roomful", "yws", "hocuspocus"];
const root = path.resolve(import.meta.dirname, "..");
const stateRoot = mkdtempSync(path.join(os.tmpdir(), "roomful-bench-"));
const t0 = now();
const log = (...a) => console.error(`[${((now() - t0) / 1000).toFixed(1)}s]`, ...a);
const trace = loadTrace();
// BENCH_PROFILE=<dir>: a CPU profile of Roomful's workerd per server lifetime (lib/profile.mjs).
const profileDir = process.env.BENCH_PROFILE ? path.resolve(process.env.BENCH_PROFILE) : null;
let profiles = 0;

// ---- servers -------------------------------------------------------------------------
const launch = {
  roomful: (build) => profiled(startProcess("roomful", [path.join(root, "scripts/local/serve.ts"), "--port", "8801", "--state", path.join(stateRoot, "roomful"), ...(build ? [] : ["--no-build"]),
    // The per-connection flood guard is lifted: the benchmark measures the server, not the limiter.
    "--var", "ROOM_FRAME_BURST=1000000", "--var", "ROOM_FRAMES_PER_SECOND=1000000",
    // One bench user creates every room: the per-user room quota would cap the run, not measure it.
    "--var", "MAX_ROOMS_PER_USER=1000000",
    // The presence scenario opens every chat socket as that one user: lift the per-user socket cap and frame budget too.
    "--var", "CHAT_SOCKETS_PER_USER=1000000", "--var", "CHAT_FRAME_BURST=1000000", "--var", "CHAT_FRAMES_PER_SECOND=1000000",
    ...(profileDir ? ["--inspector-port", String(INSPECTOR_PORT)] : [])])),
  yws: () => startProcess("yws", [path.join(root, "bench/servers/y-websocket-server.mjs"), "--port", "8802", "--state", path.join(stateRoot, "yws")]),
  hocuspocus: () => startProcess("hocuspocus", [path.join(root, "bench/servers/hocuspocus.mjs"), "--port", "8803", "--state", path.join(stateRoot, "hocuspocus")]),
};
/** With BENCH_PROFILE, Roomful's workerd is sampled from start to stop. */
async function profiled(starting) {
  const proc = await starting;
  if (!profileDir) return proc;
  const profile = await startProfile(profileDir, `roomful-${++profiles}`);
  return { ...proc, stop: () => profile.stop().catch((e) => log(`profile: ${e.message}`)).then(proc.stop) };
}
const procs = {};
const targets = {};
let user;
let roomCount = 0;

async function startAll() {
  // Roomful always starts: the presence scenario and the bench user need it.
  const kinds = ["roomful", ...SERVERS.filter((k) => k !== "roomful")];
  const started = await Promise.all(kinds.map((k) => (k === "roomful" ? launch.roomful(true) : launch[k]())));
  kinds.forEach((k, i) => (procs[k] = started[i]));
  user = await benchUser(procs.roomful.url);
  targets.roomful = { kind: "roomful", url: procs.roomful.url, token: user.token };
  for (const k of kinds) if (k !== "roomful") targets[k] = { kind: k, url: procs[k].url };
}

async function restart(kind) {
  await procs[kind].stop();
  procs[kind] = await (kind === "roomful" ? launch.roomful(false) : launch[kind]());
}

async function newRoom(kind, label) {
  roomCount++;
  if (kind === "roomful") return createRoom(targets.roomful.url, user.token, `${label}-${roomCount}`);
  return `${label}-${roomCount}-${Date.now()}`;
}

async function openAll(kind, room, count) {
  return pool(Array.from({ length: count }), 20, async () => {
    const c = openClient(targets[kind], room);
    await c.synced(60_000);
    return c;
  });
}

// ---- 1. fan-out latency ----------------------------------------------------------------
async function fanout(kind, readerCount) {
  const room = await newRoom(kind, "fanout");
  const writer = openClient(targets[kind], room);
  await writer.synced();
  const readers = await openAll(kind, room, readerCount);
  const sends = [];
  let progress = 0;
  trackProgress(writer.doc, (p) => {
    progress = p;
  });
  const latencies = [];
  const seen = readers.map(() => 0);
  readers.forEach((r, i) =>
    trackProgress(r.doc, (p, t) => {
      while (seen[i] < sends.length && sends[seen[i]][0] <= p) latencies.push(t - sends[seen[i]++][1]);
    }),
  );
  const text = writer.text;
  const start = now();
  for (let i = 0; i < C.fanoutOps; i++) {
    const due = start + (i * 1000) / C.fanoutRate;
    if (due > now()) await sleep(due - now());
    const sentAt = now();
    writer.doc.transact(() => applyOp(text, trace.ops[i]));
    sends.push([progress, sentAt]);
  }
  await waitFor(() => seen.every((s) => s === sends.length), 30_000, "every reader to apply every op");
  for (const c of [writer, ...readers]) c.close();
  return summary(latencies);
}

// ---- 2. throughput and convergence ------------------------------------------------------------
async function throughput(kind, writerCount, opsEach) {
  const room = await newRoom(kind, "writers");
  const writers = await openAll(kind, room, writerCount);
  const start = now();
  await Promise.all(
    writers.map(async (w, k) => {
      const slice = trace.ops.slice(k * opsEach, (k + 1) * opsEach);
      for (const patches of slice) {
        w.doc.transact(() => applyOp(w.text, patches, { clamp: true }));
        await new Promise(setImmediate);
        while (w.bufferedAmount() > 256 * 1024) await sleep(2);
      }
    }),
  );
  const sent = now();
  const expected = writers.map((w) => [w.doc.clientID, Y.getState(w.doc.store, w.doc.clientID)]);
  await waitFor(
    () => {
      if (!writers.every((w) => expected.every(([id, clock]) => Y.getState(w.doc.store, id) >= clock))) return false;
      const first = writers[0].text.toString();
      return writers.every((w) => w.text.toString() === first);
    },
    90_000,
    "convergence",
    10,
  );
  const converged = now();
  // Checked, not assumed: a new client loads the server's copy, which must equal every client's.
  const fresh = openClient(targets[kind], room);
  await fresh.synced();
  await waitFor(() => fresh.text.length === writers[0].text.length, 10_000, "fresh client content").catch(() => {});
  const equal = fresh.text.toString() === writers[0].text.toString();
  for (const c of [fresh, ...writers]) c.close();
  const total = writerCount * opsEach;
  return { opsPerSecond: Math.round(total / ((converged - start) / 1000)), convergenceMs: Math.round(converged - sent), equal, total };
}

// ---- 3. cold load ---------------------------------------------------------------------------
async function populate(kind, room, built) {
  const pusher = openClient(targets[kind], room);
  await pusher.synced();
  for (const update of built.updates) {
    Y.applyUpdate(pusher.doc, update);
    await waitFor(() => pusher.bufferedAmount() === 0, 30_000, "upload", 5);
  }
  const check = openClient(targets[kind], room);
  await check.synced();
  await waitFor(() => check.text.length === built.length, 60_000, `${kind} to hold the document`);
  check.close();
  pusher.close();
}

async function coldLoads(copiesList) {
  const out = {};
  const docs = Object.fromEntries(copiesList.map((n) => [n, cachedDocument(trace.ops, n, log)]));
  const rooms = {};
  for (const kind of SERVERS) {
    rooms[kind] = {};
    for (const n of copiesList) {
      rooms[kind][n] = await newRoom(kind, `cold${n}x`);
      await populate(kind, rooms[kind][n], docs[n]);
    }
  }
  await sleep(3_500); // Hocuspocus stores 2 s after the last change; y-websocket-server on last close
  const times = Object.fromEntries(SERVERS.map((k) => [k, Object.fromEntries(copiesList.map((n) => [n, []]))]));
  const opens = Object.fromEntries(SERVERS.map((k) => [k, Object.fromEntries(copiesList.map((n) => [n, []]))]));
  const warm = Object.fromEntries(SERVERS.map((k) => [k, Object.fromEntries(copiesList.map((n) => [n, []]))]));
  /** Roomful's own account of each cold upgrade (Server-Timing): authorization, the room object. */
  const serverParts = Object.fromEntries(copiesList.map((n) => [n, []]));
  for (let trial = 0; trial < C.coldTrials; trial++) {
    for (const kind of SERVERS) {
      await restart(kind);
      for (const n of copiesList) {
        const start = now();
        const c = openClient(targets[kind], rooms[kind][n]);
        await waitFor(() => c.text.length === docs[n].length, 60_000, `${kind} cold load`, 1);
        times[kind][n].push(now() - start);
        opens[kind][n].push(c.openedAt() - start);
        if (kind === "roomful") serverParts[n].push(c.serverTiming());
        // A second client joins the room now loaded in memory (the first stays, so no server unloads it).
        const warmStart = now();
        const w = openClient(targets[kind], rooms[kind][n]);
        await waitFor(() => w.text.length === docs[n].length, 60_000, `${kind} warm join`, 1);
        warm[kind][n].push(now() - warmStart);
        w.close();
        c.close();
      }
    }
  }
  for (const n of copiesList) {
    const floor = [];
    for (let i = 0; i < 3; i++) {
      const start = now();
      const d = new Y.Doc();
      Y.applyUpdate(d, Y.encodeStateAsUpdate(docs[n].doc));
      if (d.getText("text").length !== docs[n].length) throw new Error("floor mismatch");
      floor.push(now() - start);
    }
    out[n] = { floorMs: median(floor), stateBytes: Y.encodeStateAsUpdate(docs[n].doc).byteLength };
    for (const kind of SERVERS) out[n][kind] = median(times[kind][n]);
    out[n].open = Object.fromEntries(SERVERS.map((kind) => [kind, median(opens[kind][n])]));
    out[n].warm = Object.fromEntries(SERVERS.map((kind) => [kind, median(warm[kind][n])]));
    const parts = serverParts[n];
    if (parts.length) out[n].roomfulParts = Object.fromEntries(["total", "access", "room"].map((key) => [key, median(parts.map((p) => p[key] ?? 0))]));
  }
  return out;
}

// ---- 4. replay the trace; storage ------------------------------------------------------------
async function replay(kind) {
  const room = await newRoom(kind, "replay");
  const writer = openClient(targets[kind], room);
  await writer.synced();
  const ops = trace.ops.slice(0, Math.min(C.replayOps, trace.ops.length));
  // The whole trace is 260k operations, each its own message: the deadline for everything to
  // land grows with its length (2 minutes, plus 2 ms per operation: 10.7 minutes for the whole
  // trace), one deadline for the whole stage.
  const deadline = now() + 120_000 + ops.length * 2;
  const left = () => Math.max(1, deadline - now());
  const start = now();
  for (let i = 0; i < ops.length; i++) {
    writer.doc.transact(() => applyOp(writer.text, ops[i]));
    if (i % 50 === 0) await new Promise(setImmediate);
    while (writer.bufferedAmount() > 1024 * 1024) await sleep(2);
    if (now() > deadline) throw new Error(`replay: only ${i} of ${ops.length} operations sent before the deadline`);
  }
  await waitFor(() => writer.bufferedAmount() === 0, left(), "the writer's socket to drain", 20);
  const check = openClient(targets[kind], room);
  try {
    await check.synced(left());
    await waitFor(() => check.text.length === writer.text.length, left(), "replay to land", 20);
  } catch (error) {
    check.close();
    writer.close();
    throw error;
  }
  const elapsed = now() - start;
  const equal = check.text.toString() === writer.text.toString();
  const finalState = Y.encodeStateAsUpdate(writer.doc).byteLength;
  check.close();
  writer.close();
  const result = { ops: ops.length, opsPerSecond: Math.round(ops.length / (elapsed / 1000)), equal, finalState };
  if (kind === "roomful") {
    const base = targets.roomful.url;
    result.afterReplay = await documentStats(base, user.token, room);
    await sleep(3_000); // YServer's onSave (compaction) is debounced 2 s after the last update
    const settled = await documentStats(base, user.token, room);
    result.settled = settled;
    result.r2SnapshotBytes = (await takeSnapshot(base, user.token, room)).bytes;
  }
  return result;
}

// ---- 5. presence / chat object ----------------------------------------------------------------
/** Messages per second of the paced chat run. */
const CHAT_RATE = 90;

async function presence(connections, messages) {
  const roomId = await newRoom("roomful", "chat");
  return chatDelivery({ base: targets.roomful.url, token: user.token, roomId, connections, messages, rate: CHAT_RATE, log });
}

// ---- the run ------------------------------------------------------------------------------------
const results = {
  startedAt: new Date().toISOString(),
  mode: quick ? "quick" : "full",
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
  config: C,
  scenarios: {},
  errors: [],
};
const rows = [];
const row = (figure, better, values) => rows.push({ figure, better, ...values });
const want = (name) => !only || only.includes(name);

async function attempt(label, fn) {
  try {
    log(label);
    return await fn();
  } catch (error) {
    log(`${label} failed: ${error.stack ?? error}`);
    results.errors.push(`${label}: ${error.message ?? error}`);
    return null;
  }
}

/**
 * Runs `scenario` C.trials times per server, the servers taking turns (so a slow minute of the
 * machine is shared), and keeps each server's median of every number (booleans: all trials).
 */
async function trials(label, scenario) {
  const runs = Object.fromEntries(SERVERS.map((kind) => [kind, []]));
  for (let trial = 1; trial <= C.trials; trial++) {
    for (const kind of SERVERS) {
      const result = await attempt(`${label} ${kind}${C.trials > 1 ? ` (trial ${trial} of ${C.trials})` : ""}`, () => scenario(kind));
      if (result) runs[kind].push(result);
    }
  }
  return Object.fromEntries(SERVERS.map((kind) => [kind, runs[kind].length ? medianOfFields(runs[kind]) : null]));
}

function medianOfFields(list) {
  const out = {};
  for (const key of Object.keys(list[0])) {
    const values = list.map((result) => result[key]);
    if (typeof values[0] === "number") out[key] = round2(median(values));
    else if (typeof values[0] === "boolean") out[key] = values.every(Boolean);
    else out[key] = values[0];
  }
  out.trials = list.length;
  return out;
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await Promise.all(Object.values(procs).map((p) => p.stop().catch(() => {})));
    process.exit(130);
  });
}
try {
  log(`state in ${stateRoot}; starting servers`);
  await startAll();

  // Every scenario starts on freshly started servers (same stored state): work a server is
  // still draining from one scenario must not be billed to the next.
  const fresh = async (label) => {
    if (label === firstScenario) return;
    log(`restarting servers before ${label}`);
    for (const kind of Object.keys(procs)) await restart(kind);
  };
  const firstScenario = ["fanout", "throughput", "cold", "replay", "presence", "storm"].find(want);

  if (want("fanout")) {
    results.scenarios.fanout = {};
    for (const n of C.fanoutReaders) {
      const per = await trials(`fan-out ${n} readers`, (kind) => fanout(kind, n));
      results.scenarios.fanout[n] = per;
      for (const p of ["p50", "p95", "p99"]) row(`fan-out ${n} reader${n > 1 ? "s" : ""} ${p} (ms)`, "lower", Object.fromEntries(SERVERS.map((k) => [k, per[k]?.[p]])));
    }
  }
  if (want("throughput")) {
    await fresh("throughput");
    results.scenarios.throughput = {};
    for (const [n, each] of C.writers) {
      const per = await trials(`throughput ${n} writers`, (kind) => throughput(kind, n, each));
      results.scenarios.throughput[n] = per;
      row(`${n} writers: ops/s to convergence`, "higher", Object.fromEntries(SERVERS.map((k) => [k, per[k]?.opsPerSecond])));
      row(`${n} writers: convergence after last send (ms)`, "lower", Object.fromEntries(SERVERS.map((k) => [k, per[k]?.convergenceMs])));
      row(`${n} writers: all documents equal`, null, Object.fromEntries(SERVERS.map((k) => [k, per[k] ? (per[k].equal ? "yes" : "NO") : null])));
    }
  }
  if (want("cold")) {
    await fresh("cold");
    const cold = await attempt("cold load", () => coldLoads(C.coldCopies));
    results.scenarios.cold = cold;
    for (const n of C.coldCopies) {
      if (!cold) break;
      const c = cold[n];
      row(`cold load ${n}x automerge-paper (${(c.stateBytes / 1024).toFixed(0)} KiB) (ms)`, "lower", Object.fromEntries(SERVERS.map((k) => [k, c[k]])));
      // Roomful answers the upgrade once the room has loaded (partyserver runs onStart first); the
      // Node servers answer at once and load on the first message.
      row(`  of which: until the socket opened (ms)`, null, c.open);
      if (c.roomfulParts) {
        // The Worker's Server-Timing: before "total" starts, the isolate starts and Miniflare's entry Worker forwards.
        const { total, access, room } = c.roomfulParts;
        row(`    in the Worker: sign-in with room access + socket registry / room object (start, read, connect) / total (ms)`, null, { roomful: `${round2(total - access - room)} + ${access} / ${room} / ${total}`, yws: "n/a", hocuspocus: "n/a" });
      }
      row(`  in-process Yjs floor, encode+apply (ms)`, null, { roomful: c.floorMs, yws: c.floorMs, hocuspocus: c.floorMs });
      row(`  cold load / floor`, "lower", Object.fromEntries(SERVERS.map((k) => [k, c[k] && Math.round((c[k] / c.floorMs) * 100) / 100])));
      row(`warm join ${n}x automerge-paper: synced (ms)`, "lower", c.warm);
    }
  }
  if (want("replay")) {
    await fresh("replay");
    const per = await trials("replay", replay);
    results.scenarios.replay = per;
    const ops = per.roomful?.ops ?? per.yws?.ops;
    row(`1 writer replays ${ops} ops: ops/s`, "higher", Object.fromEntries(SERVERS.map((k) => [k, per[k]?.opsPerSecond])));
    const r = per.roomful;
    if (r) {
      const stored = (s) => s.stateBytes + s.logBytes;
      row(`storage: final encoded state (KiB)`, null, { roomful: kib(r.finalState), yws: kib(per.yws?.finalState), hocuspocus: kib(per.hocuspocus?.finalState) });
      row(`storage: DO SQLite right after the trace (KiB)`, null, { roomful: kib(stored(r.afterReplay)), yws: "n/a", hocuspocus: "n/a" });
      row(`storage: DO SQLite settled (KiB)`, null, { roomful: kib(stored(r.settled)), yws: "n/a", hocuspocus: "n/a" });
      row(`storage: DO SQLite settled / final state`, null, { roomful: round2(stored(r.settled) / r.finalState), yws: "n/a", hocuspocus: "n/a" });
      row(`storage: R2 snapshot (KiB)`, null, { roomful: kib(r.r2SnapshotBytes), yws: "n/a", hocuspocus: "n/a" });
    }
  }
  if (want("presence")) {
    await fresh("presence");
    results.scenarios.presence = {};
    for (const n of C.presence) {
      const p = await attempt(`presence ${n} connections`, () => presence(n, C.chatMessages));
      results.scenarios.presence[n] = p;
      if (!p) continue;
      row(`presence ${n}: connections held`, null, { roomful: p.held, yws: "n/a", hocuspocus: "n/a" });
      row(`presence ${n}: four posters back to back (saturated): msgs/s fanned out (deliveries/s)`, null, { roomful: `${p.messagesPerSecond} (${p.deliveriesPerSecond})`, yws: "n/a", hocuspocus: "n/a" });
      row(`presence ${n}: four posters back to back: delivery p50 (ms)`, null, { roomful: p.latency.p50, yws: "n/a", hocuspocus: "n/a" });
      row(`presence ${n}: four posters back to back: delivery p99 (ms)`, null, { roomful: p.latency.p99, yws: "n/a", hocuspocus: "n/a" });
      row(`presence ${n}: one message at a time, delivery p50 / p99 (ms)`, null, { roomful: `${p.quietLatency.p50} / ${p.quietLatency.p99}`, yws: "n/a", hocuspocus: "n/a" });
      row(`presence ${n}: paced at ${CHAT_RATE} msgs/s, delivery p50 / p99 (ms)`, null, { roomful: `${p.pacedLatency.p50} / ${p.pacedLatency.p99}`, yws: "n/a", hocuspocus: "n/a" });
    }
  }
  if (want("storm")) {
    await fresh("storm");
    const built = cachedDocument(trace.ops, 1, log);
    const ctx = { target: (kind) => targets[kind], newRoom, populate, restart };
    const per = {};
    for (const kind of SERVERS) per[kind] = await attempt(`reconnect storm ${kind}`, () => reconnectStorm(ctx, kind, built, C.stormClients));
    // Roomful once more with its web client's provider (y-partyserver) and reconnect jitter.
    const own = await attempt("reconnect storm roomful, own client", () => reconnectStorm(ctx, "roomful", built, C.stormClients, { own: true }));
    results.scenarios.storm = { ...per, roomfulOwnClient: own };
    const of = (field) => Object.fromEntries(SERVERS.map((k) => [k, per[k]?.[field]]));
    row(`reconnect storm, ${C.stormClients} clients: all resynced after a restart (ms)`, "lower", of("allSyncedMs"));
    row(`  of which the server was down (first close to first reopen, ms)`, null, of("downMs"));
    row(`  from the first reopen until all synced (ms)`, "lower", of("herdMs"));
    row(`  from the first reopen until the last (ms)`, null, of("lastOpenMs"));
    row(`  per client, socket reopened → synced, p50 / p99 (ms)`, null, Object.fromEntries(SERVERS.map((k) => [k, per[k] && `${per[k].openToSynced.p50} / ${per[k].openToSynced.p99}`])));
    const any = per.roomful ?? per.yws ?? per.hocuspocus;
    row(`reconnect storm: bytes received per client (document ${any?.documentBytes} B; missed ${any?.missedBytes} B)`, "lower", of("receivedPerClient"));
    row(`reconnect storm: bytes sent per client`, "lower", of("sentPerClient"));
    if (own) {
      row(`reconnect storm, Roomful's own client (jitter): all resynced / first reopen until all synced (ms)`, null, { roomful: `${own.allSyncedMs} / ${own.herdMs}`, yws: "n/a", hocuspocus: "n/a" });
      row(`  per client, socket reopened → synced, p50 / p99 (ms); bytes received per client`, null, { roomful: `${own.openToSynced.p50} / ${own.openToSynced.p99}; ${own.receivedPerClient}`, yws: "n/a", hocuspocus: "n/a" });
    }
    row(`reconnect storm: every client's document equal to the writer's`, null, Object.fromEntries(SERVERS.map((k) => [k, per[k] ? (per[k].intact ? "yes" : "NO") : null])));
  }
  if (want("memory")) {
    // Its own Roomful (with the inspector) after the others stopped, so their work is not in its heap.
    await Promise.all(Object.values(procs).map((p) => p.stop().catch(() => {})));
    const built = cachedDocument(trace.ops, 1, log);
    const m = await attempt("memory", () => roomMemory(root, path.join(stateRoot, "memory"), built, log));
    results.scenarios.memory = m;
    if (m) {
      row(`memory: JS heap of one active room with automerge-paper (MiB; ${m.heapPerEncodedByte} B per encoded byte)`, null, { roomful: m.roomMiB, yws: "n/a", hocuspocus: "n/a" });
      row(`memory: heap baseline / active / after the room went idle (MiB)`, null, { roomful: `${m.baselineMiB} / ${m.activeMiB} / ${m.idleMiB}`, yws: "n/a", hocuspocus: "n/a" });
      row(`memory: idle room released after (s)`, null, { roomful: m.releasedAfterSeconds ?? "not in 120 s", yws: "n/a", hocuspocus: "n/a" });
    }
  }
} finally {
  await Promise.all(Object.values(procs).map((p) => p.stop().catch(() => {})));
  rmSync(stateRoot, { recursive: true, force: true });
}

function kib(bytes) {
  return bytes === undefined || bytes === null ? null : Math.round(bytes / 102.4) / 10;
}
function round2(x) {
  return Math.round(x * 100) / 100;
}

// ---- the table -------------------------------------------------------------------------
function ratio(r) {
  if (!r.better || typeof r.roomful !== "number") return "";
  const refs = [r.yws, r.hocuspocus].filter((v) => typeof v === "number");
  if (!refs.length) return "";
  const best = r.better === "lower" ? Math.min(...refs) : Math.max(...refs);
  return best ? round2(r.roomful / best).toFixed(2) : "";
}
const fmt = (v) => (v === null || v === undefined ? "–" : String(v));
const header = ["figure", "Roomful", "y-websocket-server", "Hocuspocus", "Roomful / best ref"];
const body = rows.map((r) => [r.figure, fmt(r.roomful), fmt(r.yws), fmt(r.hocuspocus), ratio(r)]);
const m = results.machine;
const machineLine = `${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`;
const markdown = [
  `Mode: ${results.mode}, ${results.startedAt}. Machine: ${machineLine}.`,
  "",
  `| ${header.join(" | ")} |`,
  `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
  ...body.map((cells) => `| ${cells.join(" | ")} |`),
  ...(results.errors.length ? ["", "Errors:", ...results.errors.map((e) => `- ${e}`)] : []),
  "",
].join("\n");
const widths = header.map((h, i) => Math.max(h.length, ...body.map((c) => c[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log(`\n${machineLine}\n${line(header)}\n${body.map(line).join("\n")}`);
if (results.errors.length) console.log(`\nerrors:\n${results.errors.join("\n")}`);
results.table = rows;
results.elapsedSeconds = Math.round((now() - t0) / 1000);
mkdirSync(path.join(root, "bench/results"), { recursive: true });
writeFileSync(path.join(root, "bench/results/latest.json"), JSON.stringify(results, null, 2));
if (!only) writeFileSync(path.join(root, `bench/results/latest-${results.mode}.md`), markdown);
log(`done in ${results.elapsedSeconds}s; bench/results/latest.json written`);
process.exit(results.errors.length ? 1 : 0);
