// Group commit (src/rooms/room.ts, storage.ts, broadcast.ts): an update is applied at once and
// written with the others of its flush; nothing derived from it leaves the room before that write.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Room } from "../../src/rooms/room.ts";
import { roomStub } from "../../src/rooms/stub.ts";
import { storedText } from "../helpers/room-storage.ts";
import { signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";
import { partyClient, stockClient, synced, until } from "../helpers/yjs-clients.ts";

const storedRows = (state: DurableObjectState) =>
  state.storage.sql.exec<{ n: number }>("SELECT count(DISTINCT seq) AS n FROM doc_updates").one().n;

/** Updates as a client would send them: `count` one-character inserts, each its own update. */
function clientUpdates(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < count; i++) doc.getText("t").insert(i, "x");
  return updates;
}

async function startedRoom(): Promise<{ id: string; stub: DurableObjectStub<Room> }> {
  const owner = await signUp("Owner");
  const room = await createRoom(owner.auth);
  const stub = roomStub(env, room.id) as unknown as DurableObjectStub<Room>;
  await stub.getState(); // runs onStart
  return { id: room.id, stub };
}

describe("group commit", () => {
  it("writes the updates of one turn together, after applying them, and before the flush sends them", async () => {
    const { stub } = await startedRoom();
    await runInDurableObject(stub, async (room: Room, state) => {
      const before = storedRows(state);
      for (const update of clientUpdates(5)) Y.applyUpdate(room.document, update, "client");
      expect(room.document.getText("t").toString()).toBe("xxxxx"); // applied at once
      expect(storedRows(state)).toBe(before); // staged, not yet written
      await new Promise((resolve) => setTimeout(resolve, 20)); // the broadcaster's flush
      expect(storedRows(state)).toBe(before + 1); // the five merged in one row, an ordinary Yjs update
      expect(storedText(state)).toBe("xxxxx");
    });
  });

  it("the answer to a hello, which acknowledges the client's earlier edits, comes after they are stored", async () => {
    const { stub } = await startedRoom();
    await runInDurableObject(stub, async (room: Room, state) => {
      const before = storedRows(state);
      for (const update of clientUpdates(2)) Y.applyUpdate(room.document, update, "client");
      const sent: string[] = [];
      const connection = {
        id: "hello-test",
        readyState: WebSocket.READY_STATE_OPEN,
        state: { userId: "u", name: "U", role: "editor" },
        setState(next: unknown) {
          this.state = typeof next === "function" ? next(this.state) : next;
        },
        send: (frame: string) => sent.push(frame),
      };
      room.onCustomMessage(connection as never, JSON.stringify({ type: "hello" }));
      expect(sent.some((frame) => frame.includes('"access"'))).toBe(true);
      expect(storedRows(state)).toBe(before + 1); // stored in the same turn, before the flush timer
      expect(storedText(state)).toBe("xx");
    });
  });

  it("a REST read stores staged updates before it answers", async () => {
    const { stub } = await startedRoom();
    await runInDurableObject(stub, async (room: Room, state) => {
      const before = storedRows(state);
      for (const update of clientUpdates(3)) Y.applyUpdate(room.document, update, "client");
      const answer = await room.getState();
      expect(storedRows(state)).toBe(before + 1);
      expect(storedText(state)).toBe("xxx");
      const read = new Y.Doc();
      Y.applyUpdate(read, answer);
      expect(read.getText("t").toString()).toBe("xxx");
    });
  });

  it("a joiner's sync answer carries only stored updates", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const writer = partyClient(room.id, owner.auth);
    await synced(writer);
    const stub = roomStub(env, room.id) as unknown as DurableObjectStub<Room>;
    // Staged in the room, then a joiner arrives before any flush could run.
    await runInDurableObject(stub, (roomObject: Room) => {
      for (const update of clientUpdates(4)) Y.applyUpdate(roomObject.document, update, "client");
    });
    const joiner = stockClient(room.id, owner.auth);
    await synced(joiner);
    await until(() => expect(joiner.doc.getText("t").toString()).toBe("xxxx"));
    expect(await runInDurableObject(stub, (_room: Room, state) => storedText(state))).toBe("xxxx");
    writer.close();
    joiner.close();
  });

  it("compaction stores staged updates with the state, and joiners then get the stored state as it is", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const stub = roomStub(env, room.id) as unknown as DurableObjectStub<Room>;
    await stub.getState();
    await runInDurableObject(stub, (roomObject: Room, state) => {
      for (const update of clientUpdates(6)) Y.applyUpdate(roomObject.document, update, "client");
      roomObject.compactNow(); // in the same turn: the six are staged, not written
      expect(storedRows(state)).toBe(0);
      const stored = state.storage.sql.exec<{ data: ArrayBuffer }>("SELECT data FROM doc_state ORDER BY part").toArray();
      const reloaded = new Y.Doc();
      Y.applyUpdate(reloaded, new Uint8Array(stored[0]!.data));
      expect(reloaded.getText("t").toString()).toBe("xxxxxx");
    });
    const joiner = stockClient(room.id, owner.auth);
    await synced(joiner);
    await until(() => expect(joiner.doc.getText("t").toString()).toBe("xxxxxx"));
    joiner.close();
  });
});
