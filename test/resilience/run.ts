// The resilience suite: crashes, hostile input, abuse limits and load against the real runtime
// (scripts/local/serve.ts on 127.0.0.1). Prints what it tried and what held; exits 1 if
// anything did not hold.
//
//   npm run test:resilience            full run (20 crash cycles, 10,000 fuzz frames, 60 s load)
//   npm run test:resilience -- --ci    bounded run for CI (under ~8 minutes on 2 cores)
//   ... -- --only crash,frames         a subset: crash (both crash parts), flood, frames, hostile, rest, abuse, load, sockets
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { abuseTest } from "./abuse.ts";
import { crashTest } from "./crash.ts";
import { floodCrashTest } from "./crash-flood.ts";
import { frameFuzz } from "./frame-fuzz.ts";
import { hostileRoomTest } from "./hostile-room.ts";
import { loadTest } from "./load.ts";
import { restFuzz } from "./rest-fuzz.ts";
import { socketLimitsTest } from "./socket-limits.ts";
import { Stack } from "./stack.ts";

const { values } = parseArgs({
  options: {
    ci: { type: "boolean", default: process.env.RESILIENCE_CI === "1" },
    only: { type: "string" },
    port: { type: "string", default: "8811" },
  },
});
const ci = values.ci;
const only = values.only ? new Set(values.only.split(",")) : null;
const want = (part: string) => !only || only.has(part);

export type Row = { part: string; tried: string; figure: string; held: boolean };
const rows: Row[] = [];
const record = (row: Row) => {
  rows.push(row);
  console.log(`${row.held ? "HELD" : "FAILED"}  ${row.part}: ${row.tried} -> ${row.figure}`);
};

/** Runs one part; an exception is a row that did not hold, and the next part still runs. */
async function part(name: string, run: () => Promise<Row[]>): Promise<void> {
  try {
    for (const row of await run()) record(row);
  } catch (error) {
    record({ part: name, tried: "-", figure: `error: ${(error as Error).message}`, held: false });
  }
}

const stateDir = mkdtempSync(path.join(os.tmpdir(), "roomful-resilience-"));
// The room limits are the defaults; the rest of the bindings are the local stack's.
const stack = new Stack(Number(values.port), stateDir);
const startedAt = Date.now();
// Hard ceiling on the whole run, so a wedged part cannot hang CI.
const ceiling = setTimeout(() => {
  console.error("resilience: overall time limit reached");
  void stack.kill().finally(() => process.exit(2));
}, (ci ? 9 : 40) * 60_000);
ceiling.unref();

try {
  await stack.start();
  console.log(`runtime ready at ${stack.url} (${ci ? "CI" : "full"} run)`);

  if (want("crash")) {
    const cycles = ci ? 5 : 20;
    try {
      const r = await crashTest(stack, { cycles, minMs: ci ? 1_500 : 2_000, maxMs: ci ? 4_000 : 8_000 });
      record({
        part: "1 crash",
        tried: `${r.cycles} kill -9 cycles, 10 typists, ${r.typed} trace patches, ${r.messagesSent} chat sends`,
        figure: `updates received ${r.updatesReceived}, lost ${r.updatesLost}; messages received ${r.messagesReceived}, lost ${r.messagesLost}${r.notes.length ? `; ${r.notes.join("; ")}` : ""}`,
        held: r.cycles === cycles && r.updatesLost === 0 && r.messagesLost === 0 && r.notes.length === 0 && r.updatesReceived > 0 && r.messagesReceived > 0,
      });
    } catch (error) {
      record({ part: "1 crash", tried: `${cycles} kill -9 cycles`, figure: `error: ${(error as Error).message}`, held: false });
    }
  }
  if (want("crash") || want("flood")) {
    const cycles = ci ? 2 : 5;
    await part("1b crash in a flood", async () => {
      const r = await floodCrashTest(stack, { cycles, minMs: ci ? 1_500 : 2_000, maxMs: ci ? 3_000 : 6_000 });
      return [
        {
          part: "1b crash in a flood",
          tried: `${r.cycles} kill -9 cycles mid-flood, ${r.writers} writers, ${r.typed} trace patches`,
          figure: `updates received ${r.received}, not stored ${r.receivedLost}; edits unstored at the kill ${r.unstoredAtKill} (re-sent); writers whose edits are not all stored ${r.writersLost}${r.notes.length ? `; ${r.notes.join("; ")}` : ""}`,
          held: r.cycles === cycles && r.received > 0 && r.receivedLost === 0 && r.writersLost === 0 && r.notes.length === 0,
        },
      ];
    });
  }
  if (want("frames")) {
    await part("2 frame fuzz", () => frameFuzz(stack, { frames: ci ? 2_000 : 10_000 }));
  }
  if (want("hostile")) {
    await part("7 hostile room", () => hostileRoomTest(stack, { frames: ci ? 10 : 30 }));
  }
  if (want("sockets")) {
    await part("8 sockets", () => socketLimitsTest(stack));
  }
  if (want("rest")) {
    await part("3 REST fuzz", () => restFuzz(stack, { perRoute: ci ? 25 : 60 }));
  }
  if (want("load")) {
    await part("6 load", () => loadTest(stack, ci ? { roomClients: 60, presenceClients: 200, seconds: 15 } : { roomClients: 200, presenceClients: 500, seconds: 60 }));
  }
  // Last: it locks the local address out of sign-ins for 15 minutes.
  if (want("abuse")) {
    await part("5 abuse", () => abuseTest(stack));
  }
} catch (error) {
  record({ part: "setup", tried: "start the runtime", figure: `error: ${(error as Error).message}`, held: false });
} finally {
  await stack.stop();
  rmSync(stateDir, { recursive: true, force: true });
}

const width = (key: keyof Row) => Math.max(key.length, ...rows.map((r) => String(r[key]).length));
const line = (cells: string[], widths: number[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
const widths = [width("part"), width("tried"), width("figure"), 4];
console.log(`\nResilience (${ci ? "CI" : "full"} run, ${Math.round((Date.now() - startedAt) / 1000)} s)\n`);
console.log(line(["part", "tried", "figure", "held"], widths));
console.log(line(widths.map((w) => "-".repeat(w)), widths));
for (const r of rows) console.log(line([r.part, r.tried, r.figure, r.held ? "yes" : "NO"], widths));
const failed = rows.filter((r) => !r.held).length;
console.log(failed ? `\n${failed} check(s) did not hold.` : "\nEverything held.");
process.exit(failed ? 1 : 0);
