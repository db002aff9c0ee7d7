// Part 1b, crash in a flood (group commit): 20 writers type as fast as the frame budget lets them
// while the runtime is `kill -9`ed. The room applies updates at once but writes those of one
// flush together, so a crash may lose updates that were applied and not yet written. That is
// allowed only for updates nobody else has seen, because their writers re-send them:
//   (a) after the restart, before any writer reconnects, every update another client had
//       received is in the stored document;
//   (b) once the writers reconnect (the same Y.Docs, as a browser tab would), every writer's
//       whole document, its own edits included, ends up stored, and still is after one more
//       kill -9 and restart.
import * as Y from "yjs";
import { Api, pool, type User } from "./api.ts";
import { contains, holder } from "./contained.ts";
import { applyPatch, roomClient, type RoomClient, tracePatches, until } from "./clients.ts";
import { sleep, type Stack } from "./stack.ts";

export type FloodCrashResult = {
  cycles: number;
  writers: number;
  typed: number;
  /** Updates a client received from the room before a kill. */
  received: number;
  /** (a) Of those, missing from the stored document after the restart. */
  receivedLost: number;
  /** Edits (structs) the writers had sent but the room had not stored at the kill: re-sent on reconnect. */
  unstoredAtKill: number;
  /** (b) Writers whose document was not wholly stored after reconnecting (and after the final restart). */
  writersLost: number;
  notes: string[];
};

const WRITERS = 20;
/** Per writer: ~65 updates/s, under the room's default budget of 100 frames/s per connection. */
const TYPE_EVERY_MS = [10, 20] as const;

/** Structs of `doc`'s own client that `stored` lacks. */
function ownUnstored(doc: Y.Doc, stored: Y.Doc): number {
  return Math.max(0, Y.getState(doc.store, doc.clientID) - Y.getState(stored.store, doc.clientID));
}

async function freshCopy(stack: Stack, roomId: string, user: User): Promise<RoomClient> {
  const client = roomClient(stack.url, roomId, user.token);
  await until(() => client.provider.synced, 30_000, "a fresh client's sync");
  return client;
}

export async function floodCrashTest(stack: Stack, options: { cycles: number; minMs: number; maxMs: number }): Promise<FloodCrashResult> {
  const api = new Api(stack.url);
  const users: User[] = [];
  await pool(Array.from({ length: WRITERS }), 5, async (_, i) => {
    users[i] = await api.user(`Flooder${i}`);
  });
  const roomId = await api.room(users[0]!, users.slice(1).map((user) => ({ user, role: "editor" as const })));
  const patches = tracePatches();
  let cursor = 0;
  const result: FloodCrashResult = { cycles: 0, writers: WRITERS, typed: 0, received: 0, receivedLost: 0, unstoredAtKill: 0, writersLost: 0, notes: [] };
  /** Every writer's whole document once it had reconnected, from every cycle. */
  const writerStates: Uint8Array[] = [];

  for (let cycle = 0; cycle < options.cycles; cycle++) {
    const received: Uint8Array[] = [];
    let listening = true;
    const writers: RoomClient[] = [];
    await pool(users, WRITERS, async (user, i) => {
      const client = roomClient(stack.url, roomId, user.token);
      client.doc.on("update", (update: Uint8Array, origin: unknown) => {
        if (listening && origin === client.provider) received.push(update);
      });
      writers[i] = client;
      await until(() => client.provider.synced, 30_000, "writer sync");
    });

    // Flood until a random moment, then kill -9 while every writer is still sending.
    let killed = false;
    const flood = writers.map(async (client) => {
      const text = client.doc.getText("trace");
      while (!killed) {
        applyPatch(text, patches[cursor++ % patches.length]!);
        result.typed++;
        await sleep(TYPE_EVERY_MS[0] + Math.random() * (TYPE_EVERY_MS[1] - TYPE_EVERY_MS[0]));
      }
    });
    await sleep(options.minMs + Math.random() * (options.maxMs - options.minMs));
    killed = true;
    await stack.kill();
    await Promise.all(flood);
    // Writers stay offline (their edits kept) until the stored document has been checked.
    for (const client of writers) client.provider.disconnect();
    listening = false;
    await stack.start();

    // (a) What others received is stored, before any writer could re-send it.
    const observer = await freshCopy(stack, roomId, users[0]!);
    const stored = holder(observer.doc);
    result.received += received.length;
    result.receivedLost += received.filter((update) => !contains(stored, update)).length;
    for (const client of writers) result.unstoredAtKill += ownUnstored(client.doc, observer.doc);
    observer.close();

    // (b) Writers reconnect; the room ends up with every writer's whole document.
    for (const client of writers) client.provider.connect();
    const final = await freshCopy(stack, roomId, users[0]!);
    try {
      await until(() => writers.every((w) => w.provider.synced && contains(holder(final.doc), Y.encodeStateAsUpdate(w.doc))), 60_000, "writers' edits stored");
    } catch (error) {
      result.notes.push(`cycle ${cycle}: ${(error as Error).message}`);
    }
    for (const client of writers) {
      writerStates.push(Y.encodeStateAsUpdate(client.doc));
      client.close();
    }
    final.close();
    result.cycles++;
  }

  // (b) again, from storage alone: one more kill -9 with nobody connected, then a fresh read.
  await stack.kill();
  await stack.start();
  const last = await freshCopy(stack, roomId, users[0]!);
  const stored = holder(last.doc);
  result.writersLost = writerStates.filter((state) => !contains(stored, state)).length;
  last.close();
  return result;
}
