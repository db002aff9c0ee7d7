// What one hostile connection can make a room hold or show: updates whose dependencies never
// arrive are refused (nothing left pending in memory), and awareness belongs to its sender.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { MAX_AWARENESS_CLIENTS_PER_CONNECTION, MAX_AWARENESS_STATE_BYTES } from "../../src/rooms/awareness-guard.ts";
import { awarenessFrame, encodeAwarenessEntries, syncStep2Frame, syncUpdateFrame } from "../../src/rooms/frames.ts";
import { RoomCloseCode } from "../../src/shared/room-protocol.ts";
import type { Room } from "../../src/rooms/room.ts";
import { roomStub } from "../../src/rooms/stub.ts";
import { signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";
import { closed, rawConnect, roomFrames } from "../helpers/websocket.ts";
import { partyClient, synced, until } from "../helpers/yjs-clients.ts";

/** What the room holds in memory that Yjs could not integrate. */
function pendingInRoom(roomId: string) {
  return runInDurableObject(roomStub(env, roomId), (room: Room) => ({
    structs: room.document.store.pendingStructs !== null,
    deletes: room.document.store.pendingDs !== null,
    text: room.document.getText("t").toString(),
  }));
}

/** Two edits by one client: the second cannot be applied without the first. */
function dependentEdits() {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  doc.getText("t").insert(0, "first ");
  doc.getText("t").insert(6, "second");
  return { doc, first: updates[0]!, second: updates[1]! };
}

describe("updates with missing dependencies", () => {
  it("are refused, and nothing is left pending", async () => {
    const owner = await signUp("GapSender");
    const room = await createRoom(owner.auth);
    const { socket } = await rawConnect(`/parties/room/${room.id}`, owner.auth);
    const received = roomFrames(socket!);
    await received.next("sync-step-1"); // the server's own handshake
    const before = received.seen.length;
    socket!.send(syncUpdateFrame(dependentEdits().second));
    // Refused with a resync request, not stored and not held.
    await received.next("sync-step-1", before);
    expect(await pendingInRoom(room.id)).toEqual({ structs: false, deletes: false, text: "" });
    socket!.close();
  });

  it("refuses an item whose origin belongs to another client the room never saw", async () => {
    const owner = await signUp("OriginSender");
    const room = await createRoom(owner.auth);
    const other = new Y.Doc();
    other.getText("t").insert(0, "unseen");
    const mine = new Y.Doc();
    Y.applyUpdate(mine, Y.encodeStateAsUpdate(other));
    const sv = Y.encodeStateVector(mine);
    mine.getText("t").insert(6, " after");
    const update = Y.encodeStateAsUpdate(mine, sv); // only my item; its origin is "unseen"
    const { socket } = await rawConnect(`/parties/room/${room.id}`, owner.auth);
    const received = roomFrames(socket!);
    await received.next("sync-step-1");
    const before = received.seen.length;
    socket!.send(syncUpdateFrame(update));
    await received.next("sync-step-1", before);
    expect(await pendingInRoom(room.id)).toEqual({ structs: false, deletes: false, text: "" });
    socket!.close();
  });

  it("refuses a delete of structs the room never saw", async () => {
    const owner = await signUp("DeleteSender");
    const room = await createRoom(owner.auth);
    const doc = new Y.Doc();
    doc.getText("t").insert(0, "unseen text");
    const sv = Y.encodeStateVector(doc);
    doc.getText("t").delete(0, 6);
    const deleteOnly = Y.encodeStateAsUpdate(doc, sv);
    const { socket } = await rawConnect(`/parties/room/${room.id}`, owner.auth);
    const received = roomFrames(socket!);
    await received.next("sync-step-1");
    const before = received.seen.length;
    socket!.send(syncUpdateFrame(deleteOnly));
    await received.next("sync-step-1", before);
    expect(await pendingInRoom(room.id)).toEqual({ structs: false, deletes: false, text: "" });
    socket!.close();
  });

  it("closes a connection that keeps sending them with 4400, holding nothing", async () => {
    const owner = await signUp("MemoryFlooder");
    const room = await createRoom(owner.auth);
    const { socket } = await rawConnect(`/parties/room/${room.id}`, owner.auth);
    const closing = closed(socket!);
    // ~100 KB each, all depending on a first edit that never arrives.
    const doc = new Y.Doc();
    doc.getText("t").insert(0, "x");
    for (let i = 0; i < 5; i++) {
      const sv = Y.encodeStateVector(doc);
      doc.getText("t").insert(1, "y".repeat(100_000));
      socket!.send(syncUpdateFrame(Y.encodeStateAsUpdate(doc, sv)));
    }
    expect((await closing).code).toBe(RoomCloseCode.malformed);
    expect(await pendingInRoom(room.id)).toEqual({ structs: false, deletes: false, text: "" });
  });

  it("still takes an honest client's edit that raced its own offline content: the resync brings both", async () => {
    const owner = await signUp("OfflineTypist");
    const room = await createRoom(owner.auth);
    const { doc, second } = dependentEdits(); // "first " was typed offline, "second" just now
    const { socket } = await rawConnect(`/parties/room/${room.id}`, owner.auth);
    const received = roomFrames(socket!);
    const handshake = await received.next("sync-step-1");
    socket!.send(syncUpdateFrame(second)); // sent before the client answered the handshake
    socket!.send(syncStep2Frame(Y.encodeStateAsUpdate(doc, handshake.stateVector)));
    await until(async () => expect((await pendingInRoom(room.id)).text).toBe("first second"));
    socket!.close();
  });
});

/** An awareness frame for the given client ids and states. */
function awarenessOf(entries: Array<{ clientId: number; clock: number; state: unknown }>): Uint8Array {
  return awarenessFrame(encodeAwarenessEntries(entries.map((e) => ({ ...e, state: JSON.stringify(e.state) }))));
}

describe("awareness belongs to its sender", () => {
  async function roomWithWatcher() {
    const owner = await signUp("Olga");
    const room = await createRoom(owner.auth, { visibility: "public" });
    const watcher = partyClient(room.id, owner.auth);
    await synced(watcher);
    watcher.provider.awareness.setLocalStateField("user", { id: owner.id, name: owner.name });
    const attacker = await signUp("Vic");
    const { socket } = await rawConnect(`/parties/room/${room.id}`, attacker.auth);
    const states = () => watcher.provider.awareness.getStates() as Map<number, Record<string, any>>;
    return { owner, room, watcher, attacker, socket: socket!, states };
  }

  it("rewrites the user a socket claims to be from the identity the Worker vouched for", async () => {
    const { owner, watcher, attacker, socket, states } = await roomWithWatcher();
    socket.send(awarenessOf([{ clientId: 777, clock: 1, state: { user: { id: owner.id, name: "Olga" }, cursor: null } }]));
    await until(() => expect(states().get(777)?.user).toMatchObject({ id: attacker.id, name: "Vic" }));
    expect(states().get(777)?.cursor).toBeNull();
    watcher.close();
    socket.close();
  });

  it("ignores changes to another connection's client id: a higher clock, a null state", async () => {
    const { owner, watcher, socket, states } = await roomWithWatcher();
    const victimId = watcher.doc.clientID;
    await until(() => expect(states().get(victimId)?.user?.id).toBe(owner.id));
    const clock = 1_000; // far above the owner's own
    socket.send(awarenessOf([{ clientId: victimId, clock, state: { user: { name: "hijacked" } } }]));
    socket.send(awarenessOf([{ clientId: victimId, clock: clock + 1, state: null }]));
    // A marker from the attacker's own id, sent after: once it arrives, the others were processed.
    socket.send(awarenessOf([{ clientId: 778, clock: 1, state: { marker: true } }]));
    await until(() => expect(states().get(778)?.marker).toBe(true));
    const observer = partyClient(watcher.provider.roomname, (await signUp("Observer")).auth);
    await synced(observer);
    // A fresh client sees the room's awareness as the room holds it.
    await until(() => expect((observer.provider.awareness.getStates().get(victimId) as any)?.user?.id).toBe(owner.id));
    expect(states().get(victimId)?.user?.id).toBe(owner.id);
    observer.close();
    watcher.close();
    socket.close();
  });

  it("closes a socket whose awareness state is too large with 4413, relaying nothing", async () => {
    const { watcher, socket, states } = await roomWithWatcher();
    const closing = closed(socket);
    socket.send(awarenessOf([{ clientId: 779, clock: 1, state: { blob: "x".repeat(MAX_AWARENESS_STATE_BYTES) } }]));
    expect((await closing).code).toBe(RoomCloseCode.tooLarge);
    expect(states().has(779)).toBe(false);
    watcher.close();
  });

  it("caps the client ids one connection may announce", async () => {
    const { watcher, socket, states } = await roomWithWatcher();
    const entries = Array.from({ length: MAX_AWARENESS_CLIENTS_PER_CONNECTION + 3 }, (_, i) => ({ clientId: 900 + i, clock: 1, state: { n: i } }));
    socket.send(awarenessOf(entries));
    socket.send(awarenessOf([{ clientId: 900, clock: 2, state: { done: true } }]));
    await until(() => expect(states().get(900)?.done).toBe(true));
    const announced = [...states().keys()].filter((id) => id >= 900 && id < 1000);
    expect(announced.length).toBe(MAX_AWARENESS_CLIENTS_PER_CONNECTION);
    watcher.close();
    socket.close();
  });
});
