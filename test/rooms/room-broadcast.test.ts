// The room's broadcaster (src/rooms/broadcast.ts): merged sends, pacing by socket count, and
// awareness (cursors, names) reaching peers through it.
import { describe, expect, it } from "vitest";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { flushInterval, MAX_BATCH_UPDATES, RoomBroadcaster } from "../../src/rooms/broadcast.ts";
import { classifyFrame, encodeAwarenessEntries, type Frame } from "../../src/rooms/frames.ts";
import { signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";
import { stockClient, synced, until } from "../helpers/yjs-clients.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stand-ins for the runtime's accepted sockets: each records the frames it was sent. */
function fakeRoom(socketCount: number) {
  const sockets = Array.from({ length: socketCount }, () => ({
    readyState: WebSocket.READY_STATE_OPEN,
    frames: [] as Uint8Array[],
    send(frame: Uint8Array) {
      if (this.readyState !== WebSocket.READY_STATE_OPEN) throw new TypeError("Can't call WebSocket send() after close().");
      this.frames.push(frame);
    },
  }));
  const ctx = { getWebSockets: () => sockets } as unknown as DurableObjectState;
  return { sockets, ctx };
}

/** The room's side of group commit: updates staged until the broadcaster's flush commits them. */
function stagingStore() {
  const staged: Uint8Array[] = [];
  return {
    commit: (): Uint8Array[] | null => staged.splice(0),
    /** An update applied and staged, as the room's update listener does. */
    stage(broadcaster: RoomBroadcaster, update: Uint8Array) {
      staged.push(update);
      broadcaster.noteUpdate();
    },
  };
}

/** The part of a sent frame of `kind`, read as the room reads frames. */
function readFrame<K extends Frame["kind"]>(frame: Uint8Array, kind: K): Extract<Frame, { kind: K }> {
  const read = classifyFrame(frame);
  if (read.kind !== kind) throw new Error(`expected a ${kind} frame, got ${read.kind}`);
  return read as Extract<Frame, { kind: K }>;
}

describe("room broadcaster", () => {
  it("sends what arrives in one turn as one update frame and one awareness frame per socket", async () => {
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on("update", (u: Uint8Array) => updates.push(u));
    for (const word of ["one ", "two ", "three"]) source.getText("t").insert(source.getText("t").length, word);
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    const peer = new awarenessProtocol.Awareness(new Y.Doc());
    peer.setLocalState({ user: { name: "Peer" } });
    awarenessProtocol.applyAwarenessUpdate(awareness, awarenessProtocol.encodeAwarenessUpdate(peer, [peer.clientID]), "test");

    const { sockets, ctx } = fakeRoom(3);
    const store = stagingStore();
    const broadcaster = new RoomBroadcaster(ctx, awareness, store.commit);
    for (const u of updates) store.stage(broadcaster, u);
    broadcaster.queueAwareness([peer.clientID, awareness.clientID]);
    await sleep(20);

    for (const socket of sockets) {
      expect(socket.frames.map((f) => classifyFrame(f).kind)).toEqual(["update", "awareness"]);
      const reader = new Y.Doc();
      Y.applyUpdate(reader, readFrame(socket.frames[0]!, "update").update);
      expect(reader.getText("t").toString()).toBe("one two three");
      const received = new awarenessProtocol.Awareness(new Y.Doc());
      awarenessProtocol.applyAwarenessUpdate(received, encodeAwarenessEntries(readFrame(socket.frames[1]!, "awareness").entries), "test");
      expect(received.getStates().get(peer.clientID)).toEqual({ user: { name: "Peer" } });
    }
  });

  it("sends at once in a quiet room, and paces a busy big room by its socket count", async () => {
    expect(flushInterval(2)).toBeLessThan(1);
    expect(flushInterval(200)).toBeGreaterThan(flushInterval(50));
    expect(flushInterval(100_000)).toBe(50);

    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    const { sockets, ctx } = fakeRoom(400); // 400 sockets: 25 ms between flushes
    const store = stagingStore();
    const broadcaster = new RoomBroadcaster(ctx, new awarenessProtocol.Awareness(new Y.Doc()), store.commit);
    doc.getText("t").insert(0, "a");
    store.stage(broadcaster, updates.at(-1)!);
    await sleep(5);
    expect(sockets[0]!.frames).toHaveLength(1); // quiet before: no wait

    doc.getText("t").insert(1, "b");
    store.stage(broadcaster, updates.at(-1)!);
    doc.getText("t").insert(2, "c");
    store.stage(broadcaster, updates.at(-1)!);
    await sleep(5);
    expect(sockets[0]!.frames).toHaveLength(1); // within the interval: held back
    await until(() => expect(sockets[0]!.frames).toHaveLength(2), 1_000);
    const reader = new Y.Doc();
    for (const frame of sockets[0]!.frames) Y.applyUpdate(reader, readFrame(frame, "update").update);
    expect(reader.getText("t").toString()).toBe("abc");
  });

  it("flushes a full batch in the same turn: a flood neither waits for a timer nor merges thousands", () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < MAX_BATCH_UPDATES * 3; i++) doc.getText("t").insert(i, "x");
    const { sockets, ctx } = fakeRoom(400);
    const store = stagingStore();
    const broadcaster = new RoomBroadcaster(ctx, new awarenessProtocol.Awareness(new Y.Doc()), store.commit);
    for (const u of updates) store.stage(broadcaster, u);
    // No await: three full batches went out synchronously.
    expect(sockets[0]!.frames).toHaveLength(3);
    const reader = new Y.Doc();
    for (const frame of sockets[0]!.frames) Y.applyUpdate(reader, readFrame(frame, "update").update);
    expect(reader.getText("t").length).toBe(MAX_BATCH_UPDATES * 3);
  });

  it("commits before every send, and sends nothing when the commit fails (group commit)", () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < MAX_BATCH_UPDATES * 2; i++) doc.getText("t").insert(i, "x");
    const { sockets, ctx } = fakeRoom(2);
    const events: string[] = [];
    let commitWorks = true;
    const socket = sockets[0]!;
    const send = socket.send.bind(socket);
    socket.send = (frame: Uint8Array) => (events.push("send"), send(frame));
    const store = stagingStore();
    const broadcaster = new RoomBroadcaster(ctx, new awarenessProtocol.Awareness(new Y.Doc()), () => {
      events.push("commit");
      const stored = store.commit();
      return commitWorks ? stored : null;
    });
    for (const u of updates.slice(0, MAX_BATCH_UPDATES)) store.stage(broadcaster, u);
    expect(events).toEqual(["commit", "send"]); // one commit for the whole batch, then its frame
    commitWorks = false;
    for (const u of updates.slice(MAX_BATCH_UPDATES)) store.stage(broadcaster, u);
    expect(events).toEqual(["commit", "send", "commit"]);
    expect(sockets.map((s) => s.frames.length)).toEqual([1, 1]);
  });

  it("goes on past sockets that are closing (their send throws, as the runtime's does)", async () => {
    const doc = new Y.Doc();
    let update: Uint8Array | null = null;
    doc.on("update", (u: Uint8Array) => (update = u));
    doc.getText("t").insert(0, "x");
    const { sockets, ctx } = fakeRoom(2);
    sockets[0]!.readyState = WebSocket.READY_STATE_CLOSING;
    const store = stagingStore();
    const broadcaster = new RoomBroadcaster(ctx, new awarenessProtocol.Awareness(new Y.Doc()), store.commit);
    store.stage(broadcaster, update!);
    await sleep(10);
    expect(sockets.map((s) => s.frames.length)).toEqual([0, 1]);
  });
});

describe("awareness through a live room", () => {
  it("a client's name and cursor reach the others, and disappear when it leaves", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const a = stockClient(room.id, owner.auth);
    const b = stockClient(room.id, owner.auth);
    await Promise.all([synced(a), synced(b)]);
    // The room sets `user` from the account, whatever the client claims (awareness-guard.ts).
    const user = { id: owner.id, name: "Owner", color: expect.any(String) };
    a.provider.awareness.setLocalState({ user: { name: "Ada" }, cursor: 3 });
    await until(() => expect(b.provider.awareness.getStates().get(a.doc.clientID)).toEqual({ user, cursor: 3 }));
    a.provider.awareness.setLocalStateField("cursor", 7);
    await until(() => expect(b.provider.awareness.getStates().get(a.doc.clientID)).toEqual({ user, cursor: 7 }));
    a.close();
    await until(() => expect(b.provider.awareness.getStates().has(a.doc.clientID)).toBe(false));
    b.close();
  });
});
