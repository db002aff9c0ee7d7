// A cold room (src/rooms/room.ts): the socket is accepted before the stored document is applied;
// a joiner with nothing is answered with the stored bytes, presence and notices need no document,
// and the first frame that needs it (or a silent client) applies it and asks the other sockets
// for their edits (sync step 1).
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { awarenessFrame, encodeAwarenessEntries, syncStep1Frame, syncUpdateFrame } from "../../src/rooms/frames.ts";
import { GREET_SILENT_AFTER_MS, type Room } from "../../src/rooms/room.ts";
import { DocumentStorage } from "../../src/rooms/storage.ts";
import { roomStub } from "../../src/rooms/stub.ts";
import { storedText } from "../helpers/room-storage.ts";
import { signUp, type TestUser } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";
import { rawConnect, roomFrames } from "../helpers/websocket.ts";
import { partyClient, stockClient, synced, until } from "../helpers/yjs-clients.ts";

/**
 * A room whose storage holds `text` as one compacted state, written straight into its storage
 * (no edits: no jobs that would load the room later), and whose object is then dropped.
 */
async function coldRoom(text: string): Promise<{ owner: TestUser; roomId: string }> {
  const owner = await signUp("Owner");
  const room = await createRoom(owner.auth);
  const doc = new Y.Doc();
  doc.getText("t").insert(0, text);
  await runInDurableObject(roomStub(env, room.id), (_r: Room, state) => new DocumentStorage(state.storage).compact(Y.encodeStateAsUpdate(doc)));
  await abortAllDurableObjects();
  return { owner, roomId: room.id };
}

const storedState = (roomId: string) =>
  runInDurableObject(roomStub(env, roomId), (_room: Room, state) => {
    const rows = state.storage.sql.exec<{ data: ArrayBuffer }>("SELECT data FROM doc_state ORDER BY part").toArray();
    expect(rows).toHaveLength(1);
    return new Uint8Array(rows[0]!.data);
  });

/** How many Yjs clients the room's in-memory document holds: 0 until it is applied. */
const appliedClients = (roomId: string) => runInDurableObject(roomStub(env, roomId), (room: Room) => room.document.store.clients.size);

describe("a cold room", () => {
  it("answers a joiner with nothing with the stored bytes as they are", async () => {
    const { owner, roomId } = await coldRoom("stored before the restart");
    const { socket } = await rawConnect(`/parties/room/${roomId}`, owner.auth);
    const frames = roomFrames(socket!);
    socket!.send(syncStep1Frame(new Y.Doc()));
    const answer = await frames.next("update");
    expect(answer.update).toEqual(await storedState(roomId));
    socket!.close();
  });

  it("greets a client that says nothing with sync step 1 once the document is applied", async () => {
    const { owner, roomId } = await coldRoom("hello");
    const { socket } = await rawConnect(`/parties/room/${roomId}`, owner.auth);
    const frames = roomFrames(socket!);
    const greeting = await frames.next("sync-step-1");
    expect(Y.decodeStateVector(greeting.stateVector).size).toBe(1); // the stored document's one client
    socket!.close();
  });

  it("serves readers, their presence and notices without applying the document, and applies it for the first edit without asking the readers", async () => {
    const { owner, roomId } = await coldRoom("hello");
    const first = (await rawConnect(`/parties/room/${roomId}`, owner.auth)).socket!;
    const firstFrames = roomFrames(first);
    const firstText: string[] = [];
    first.addEventListener("message", (event) => {
      if (typeof event.data === "string") firstText.push(event.data);
    });
    // What a y-partyserver client sends on open: sync step 1, its presence, hello.
    first.send(syncStep1Frame(new Y.Doc()));
    first.send(awarenessFrame(encodeAwarenessEntries([{ clientId: 7, clock: 1, state: JSON.stringify({ cursor: null }) }])));
    first.send(`__YPS:${JSON.stringify({ type: "hello" })}`);
    expect((await firstFrames.next("update")).update).toEqual(await storedState(roomId));
    await until(() => expect(firstText.some((text) => text.includes('"access"'))).toBe(true));

    // A second reader gets the first one's presence on joining, and the document from storage.
    const second = (await rawConnect(`/parties/room/${roomId}`, owner.auth)).socket!;
    const secondFrames = roomFrames(second);
    second.send(syncStep1Frame(new Y.Doc()));
    const presence = await secondFrames.next("awareness");
    expect(presence.entries.map((entry) => entry.clientId)).toEqual([7]);
    await secondFrames.next("update");

    // Long past the silent-joiner timer: the document was never applied, and each frame was
    // answered once.
    await new Promise((resolve) => setTimeout(resolve, GREET_SILENT_AFTER_MS + 300));
    expect(await appliedClients(roomId)).toBe(0);
    expect(firstFrames.seen.map((frame) => frame.kind)).toEqual(["update", "awareness"]); // its presence, echoed like everyone's
    expect(secondFrames.seen.map((frame) => frame.kind)).toEqual(["awareness", "update"]);
    expect(firstText.filter((text) => text.includes('"access"'))).toHaveLength(1);

    // The first edit applies it and reaches the other reader. Neither is asked for its edits:
    // both joined with nothing, so what they type comes as updates.
    const edited = new Y.Doc();
    Y.applyUpdate(edited, await storedState(roomId));
    const before = Y.encodeStateVector(edited);
    edited.getText("t").insert(5, "!");
    const seenBefore = secondFrames.seen.length;
    first.send(syncUpdateFrame(Y.encodeStateAsUpdate(edited, before)));
    await secondFrames.next("update", seenBefore);
    expect(await runInDurableObject(roomStub(env, roomId), (_r: Room, state) => storedText(state))).toBe("hello!");
    expect(await appliedClients(roomId)).toBe(2); // the stored document's client and the edit's
    expect([...firstFrames.seen, ...secondFrames.seen].filter((frame) => frame.kind === "sync-step-1")).toEqual([]);
    first.close();
    second.close();
  });

  it("takes the edits of the first joiner and of a client that edited offline, and sends each the other's", async () => {
    const { owner, roomId } = await coldRoom("hello");
    // A client that saw "hello", went offline, and typed on.
    const offline = new Y.Doc();
    Y.applyUpdate(offline, await storedState(roomId));
    offline.getText("t").insert(5, " world");

    const joiner = stockClient(roomId, owner.auth); // knows nothing: answered from storage
    await synced(joiner);
    expect(joiner.doc.getText("t").toString()).toBe("hello");
    joiner.doc.getText("t").insert(0, ">");

    const returning = partyClient(roomId, owner.auth);
    Y.applyUpdate(returning.doc, Y.encodeStateAsUpdate(offline));
    await until(() => {
      expect(joiner.doc.getText("t").toString()).toBe(">hello world");
      expect(returning.doc.getText("t").toString()).toBe(">hello world");
    });
    expect(await runInDurableObject(roomStub(env, roomId), (_r: Room, state) => storedText(state))).toBe(">hello world");
    joiner.close();
    returning.close();
  });

  it("answers REST reads of a room nobody has opened since the restart", async () => {
    const { roomId } = await coldRoom("read over REST");
    const state = await roomStub(env, roomId).getState();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    expect(doc.getText("t").toString()).toBe("read over REST");
  });
});
