// Memory (issue 14, item 6): the JS heap one active room costs with the automerge-paper
// document, and proof that an idle room's memory is released. Roomful only: it starts its own
// workerd with the V8 inspector open (scripts/local/inspect-heap.ts, as the resilience suite does)
// and reads the live heap after a full GC: before the room exists, while one client holds it
// open, and after the last client left and the room object hibernated (DO lifecycle: ~10 s idle,
// PLATFORM.md), polling until the heap is back near where it started.
import path from "node:path";
import * as Y from "yjs";
import { openClient } from "./lib/clients.mjs";
import { heapAfterGc } from "../scripts/local/inspect-heap.ts";
import { benchUser, createRoom } from "./lib/roomful.mjs";
import { now, sleep, startProcess, waitFor } from "./lib/util.mjs";

const MiB = 1024 * 1024;
const mib = (bytes) => Math.round((bytes / MiB) * 10) / 10;

/** `built`: the document (cachedDocument); `stateDir`: a fresh directory for this server. */
export async function roomMemory(root, stateDir, built, log = () => {}) {
  const port = 8805;
  const inspector = 9805;
  const server = await startProcess("roomful-memory", [path.join(root, "scripts/local/serve.ts"), "--port", String(port), "--state", stateDir, "--inspector-port", String(inspector)]);
  const heap = () => heapAfterGc(`ws://127.0.0.1:${inspector}/core:user:`);
  try {
    const user = await benchUser(server.url, "memory");
    const target = { kind: "roomful", url: server.url, token: user.token };
    const room = await createRoom(server.url, user.token, "memory");
    // A first room opened and left, so code paths and caches that any room warms are in the baseline.
    const warm = await createRoom(server.url, user.token, "memory-warmup");
    const w = openClient(target, warm);
    await w.synced();
    w.doc.getText("text").insert(0, "warm");
    await sleep(500);
    w.close();
    await sleep(15_000);
    const baseline = await heap();
    log(`memory: baseline heap ${mib(baseline)} MiB`);

    const pusher = openClient(target, room);
    await pusher.synced();
    for (const update of built.updates) {
      Y.applyUpdate(pusher.doc, update);
      await waitFor(() => pusher.bufferedAmount() === 0, 30_000, "upload", 5);
    }
    await waitFor(() => pusher.text.length === built.length, 60_000, "the pusher to hold the document");
    pusher.close();
    // The one client that keeps the room active, synced from the stored document.
    const holder = openClient(target, room);
    await waitFor(() => holder.text.length === built.length, 60_000, "the room to hold the document");
    await sleep(3_000); // past the room's debounced compaction, which also allocates
    const active = await heap();
    log(`memory: one active room ${mib(active)} MiB`);

    holder.close();
    const left = now();
    let idle = active;
    let releasedAfter = null;
    const series = [];
    // Released: at least 80% of the room's cost gone again (hibernation is ~10 s idle; what stays
    // is the baseline's own drift, a few hundred KiB between reads).
    while (now() - left < 120_000) {
      await sleep(5_000);
      idle = await heap();
      series.push(`${Math.round((now() - left) / 1000)} s: ${mib(idle)}`);
      if (idle - baseline < (active - baseline) * 0.2) {
        releasedAfter = Math.round((now() - left) / 1000);
        break;
      }
    }
    log(`memory: heap after the last client left (MiB): ${series.join(", ")}`);
    log(`memory: after the last client left ${mib(idle)} MiB (${releasedAfter === null ? "not released in 120 s" : `released after ~${releasedAfter} s`})`);
    const encoded = Y.encodeStateAsUpdate(built.doc).byteLength;
    return {
      documentBytes: encoded,
      baselineMiB: mib(baseline),
      activeMiB: mib(active),
      roomMiB: mib(active - baseline),
      heapPerEncodedByte: Math.round(((active - baseline) / encoded) * 10) / 10,
      idleMiB: mib(idle),
      releasedAfterSeconds: releasedAfter,
    };
  } finally {
    await server.stop();
  }
}
