// Part 7, a hostile room member against the real runtime: updates whose dependencies never
// arrive (Yjs would keep them in memory, unstored and uncounted) and awareness that claims to
// be someone else. Judged on the app isolate's live heap and on what an honest client sees.
import * as Y from "yjs";
import { awarenessFrame, encodeAwarenessEntries, syncUpdateFrame } from "../../src/rooms/frames.ts";
import { Api } from "./api.ts";
import { rawRoomSocket, roomClient, until } from "./clients.ts";
import type { Row } from "./run.ts";
import type { Stack } from "./stack.ts";

const MiB = 1024 * 1024;

/** ~0.9 MB updates that all depend on a first edit the room never gets. */
function danglingUpdates(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, "never sent");
  const updates: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const before = Y.encodeStateVector(doc);
    doc.getText("t").insert(1, String(i % 10).repeat(900_000));
    updates.push(Y.encodeStateAsUpdate(doc, before));
  }
  return updates;
}

function awarenessOf(entries: Array<{ clientId: number; clock: number; state: unknown }>): Uint8Array {
  return awarenessFrame(encodeAwarenessEntries(entries.map((e) => ({ ...e, state: JSON.stringify(e.state) }))));
}

export async function hostileRoomTest(stack: Stack, options: { frames: number }): Promise<Row[]> {
  const api = new Api(stack.url);
  const owner = await api.user("HostileOwner");
  const roomId = await api.room(owner, [], "public");
  const honest = roomClient(stack.url, roomId, owner.token);
  await until(() => honest.provider.synced, 15_000, "honest client synced");
  const rows: Row[] = [];

  // 1. Dangling updates, each on a fresh connection (a closed attacker simply reconnects).
  const heapBefore = await stack.jsHeapAfterGc();
  const codes: number[] = [];
  for (const update of danglingUpdates(options.frames)) {
    codes.push(await rawRoomSocket(stack.url, roomId, owner.token, 10_000, (ws) => ws.send(syncUpdateFrame(update))));
  }
  honest.doc.getText("t").insert(0, "still editing");
  const statsStarted = Date.now();
  const { stats } = await api.ok("GET", `/api/rooms/${roomId}/document/stats`, { token: owner.token });
  const statsMs = Date.now() - statsStarted;
  const heapAfter = await stack.jsHeapAfterGc();
  const grownMiB = (heapAfter - heapBefore) / MiB;
  const closed4400 = codes.filter((c) => c === 4400).length;
  rows.push({
    part: "7 hostile room (dangling updates)",
    tried: `${options.frames} updates of ~0.9 MB whose dependencies never arrive, one per connection`,
    figure: `closed 4400 x${closed4400}; live heap ${(heapBefore / MiB).toFixed(1)} -> ${(heapAfter / MiB).toFixed(1)} MiB; stats call ${statsMs} ms; stored ${stats.storedBytes} bytes; refused for missing dependencies ${stats.rejectedFrames.missingDependencies}`,
    held: closed4400 === options.frames && grownMiB < 16 && stats.storedBytes < 64 * 1024,
  });

  // 3. Awareness spoofing by a viewer (a signed-in non-member of a public room).
  const viewer = await api.user("HostileViewer");
  const ownerClientId = honest.doc.clientID;
  // A client never takes others' word for its own state, so a second client watches.
  const observer = roomClient(stack.url, roomId, owner.token);
  await until(() => observer.provider.synced, 15_000, "observer synced");
  honest.provider.awareness.setLocalStateField("cursor", 1);
  const states = observer.provider.awareness.getStates() as Map<number, any>;
  await until(() => states.get(ownerClientId)?.user?.id === owner.id, 10_000, "the owner's state, as the room set it");
  const spoofId = 4242;
  let spoofer: { close(): void } | undefined;
  const spooferClosed = rawRoomSocket(stack.url, roomId, viewer.token, 20_000, (ws) => {
    spoofer = ws;
    ws.send(awarenessOf([{ clientId: spoofId, clock: 1, state: { user: { id: owner.id, name: "HostileOwner" } } }]));
    ws.send(awarenessOf([{ clientId: ownerClientId, clock: 10_000, state: { user: { id: viewer.id, name: "hijacked" } } }]));
    ws.send(awarenessOf([{ clientId: ownerClientId, clock: 10_001, state: null }]));
  });
  await until(() => states.has(spoofId), 10_000, "the spoofer's state").catch(() => {});
  const spoofShownAs = states.get(spoofId)?.user?.id;
  spoofer?.close();
  await spooferClosed;
  const oversizeCode = await rawRoomSocket(stack.url, roomId, viewer.token, 10_000, (ws) => {
    ws.send(awarenessOf([{ clientId: spoofId + 1, clock: 1, state: { blob: "x".repeat(900_000) } }]));
  });
  const ownerIntact = states.get(ownerClientId)?.user?.id === owner.id;
  rows.push({
    part: "7 hostile room (awareness)",
    tried: "a viewer claims the owner's name, overwrites and removes the owner's caret, sends a 900 KB state",
    figure: `claimed name shown as ${spoofShownAs === viewer.id ? "the viewer" : spoofShownAs === owner.id ? "THE OWNER" : String(spoofShownAs)}; owner's caret ${ownerIntact ? "intact" : "TAMPERED"}; 900 KB state closed ${oversizeCode}, relayed ${states.has(spoofId + 1) ? "yes" : "no"}`,
    held: spoofShownAs !== owner.id && ownerIntact && oversizeCode === 4413 && !states.has(spoofId + 1),
  });
  observer.close();
  honest.close();
  return rows;
}
