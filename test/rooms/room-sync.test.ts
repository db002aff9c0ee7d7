import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { syncUpdateFrame } from "../../src/rooms/frames.ts";
import type { Room } from "../../src/rooms/room.ts";
import { roomStub } from "../../src/rooms/stub.ts";
import { RoomCloseCode } from "../../src/shared/room-protocol.ts";
import { call, json, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { closed, rawConnect } from "../helpers/websocket.ts";
import { partyClient, stockClient, synced, until } from "../helpers/yjs-clients.ts";
import { storedText } from "../helpers/room-storage.ts";

const storedTextOf = (roomId: string): Promise<string> => runInDurableObject(roomStub(env, roomId), (_room: Room, state) => storedText(state));

function storedUpdateCount(roomId: string): Promise<number> {
  return runInDurableObject(roomStub(env, roomId), (_room: Room, state) =>
    state.storage.sql.exec<{ n: number }>("SELECT count(DISTINCT seq) AS n FROM doc_updates").one().n,
  );
}

describe("live sync", () => {
  it("the y-partyserver provider and the stock y-websocket client converge on concurrent edits", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const a = partyClient(room.id, owner.auth);
    const b = stockClient(room.id, owner.auth);
    await Promise.all([synced(a), synced(b)]);
    a.doc.getText("t").insert(0, "hello ");
    b.doc.getText("t").insert(0, "world ");
    a.doc.getMap("m").set("from", "a");
    b.doc.getMap("m").set("other", "b");
    await until(() => {
      expect(a.doc.getText("t").toString()).toHaveLength(12);
      expect(b.doc.getText("t").toString()).toBe(a.doc.getText("t").toString());
      expect(b.doc.getMap("m").toJSON()).toEqual({ from: "a", other: "b" });
      expect(a.doc.getMap("m").toJSON()).toEqual({ from: "a", other: "b" });
    });
    a.close();
    b.close();
  });

  it("persists every update before others see it, and a crashed object reloads all of them", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const writer = partyClient(room.id, owner.auth);
    const reader = stockClient(room.id, owner.auth);
    await Promise.all([synced(writer), synced(reader)]);
    for (let i = 0; i < 25; i++) writer.doc.getText("t").insert(i, String.fromCharCode(97 + i));
    await until(() => expect(reader.doc.getText("t").toString()).toBe("abcdefghijklmnopqrstuvwxy"));
    // Every update the reader saw is already in SQLite.
    expect(await storedTextOf(room.id)).toBe("abcdefghijklmnopqrstuvwxy");
    writer.close();
    reader.close();

    await abortAllDurableObjects();
    const fresh = stockClient(room.id, owner.auth);
    await synced(fresh);
    await until(() => expect(fresh.doc.getText("t").toString()).toBe("abcdefghijklmnopqrstuvwxy"));
    fresh.close();
  });

  it("clients joining with nothing get the whole document, including edits made since the last joiner", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const writer = partyClient(room.id, owner.auth);
    await synced(writer);
    const text = writer.doc.getText("t");
    text.insert(0, "hello");
    const first = stockClient(room.id, owner.auth);
    const second = stockClient(room.id, owner.auth);
    await Promise.all([synced(first), synced(second)]);
    await until(() => expect([first, second].map((c) => c.doc.getText("t").toString())).toEqual(["hello", "hello"]));
    text.insert(5, " world");
    await until(() => expect(first.doc.getText("t").toString()).toBe("hello world")); // the room has it
    // The room's shared full-state encoding must not serve the joiner a stale document.
    const third = stockClient(room.id, owner.auth);
    await synced(third);
    expect(third.doc.getText("t").toString()).toBe("hello world");
    for (const c of [writer, first, second, third]) c.close();
  });

  it("wakes from hibernation with its connections intact", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const a = partyClient(room.id, owner.auth);
    const b = stockClient(room.id, owner.auth);
    await Promise.all([synced(a), synced(b)]);
    a.doc.getText("t").insert(0, "before");
    await until(() => expect(b.doc.getText("t").toString()).toBe("before"));

    await evictDurableObject(roomStub(env, room.id), { webSockets: "hibernate" });

    a.doc.getText("t").insert(6, " after");
    await until(() => expect(b.doc.getText("t").toString()).toBe("before after"));
    a.close();
    b.close();
  });
});

describe("authorization", () => {
  it("anonymous and outsider connections to a private room are refused before the upgrade", async () => {
    const owner = await signUp("Owner");
    const outsider = await signUp("Outsider");
    const room = await createRoom(owner.auth, { visibility: "private" });
    const anonymous = await rawConnect(`/parties/room/${room.id}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.socket).toBeNull();
    const stranger = await rawConnect(`/parties/room/${room.id}`, outsider.auth);
    expect(stranger.status).toBe(404);
    expect(stranger.socket).toBeNull();
    expect((await json(stranger.response)).error.code).toBe("not_found");
    const missing = await rawConnect(`/parties/room/${crypto.randomUUID()}`, owner.auth);
    expect(missing.status).toBe(404);
  });

  it("accepts ?token= for scripts and never stores it with the connection", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const token = (await json(await call("POST", "/api/tokens", { auth: owner.auth, body: { name: "ws" } }))).token.secret;
    const connection = await rawConnect(`/parties/room/${room.id}?token=${token}`);
    expect(connection.status).toBe(101);
    const uris = await runInDurableObject(roomStub(env, room.id), (instance: Room) => [...instance.getConnections()].map((c) => c.uri));
    expect(uris.join(" ")).not.toContain(token);
    connection.socket!.close();
  });

  it("a viewer reads live but their edits are dropped and never stored", async () => {
    const owner = await signUp("Owner");
    const viewer = await signUp("Viewer");
    const room = await createRoom(owner.auth);
    await addMember(owner.auth, room.id, viewer, "viewer");
    const editor = partyClient(room.id, owner.auth);
    const reader = partyClient(room.id, viewer.auth);
    await Promise.all([synced(editor), synced(reader)]);
    editor.doc.getText("t").insert(0, "owner text");
    await until(() => expect(reader.doc.getText("t").toString()).toBe("owner text"));
    const storedBefore = await storedUpdateCount(room.id);

    reader.doc.getText("t").insert(0, "VIEWER ");
    editor.doc.getText("t").insert(10, "!");
    await until(() => expect(reader.doc.getText("t").toString()).toContain("!"));
    expect(editor.doc.getText("t").toString()).toBe("owner text!");
    expect(await storedUpdateCount(room.id)).toBe(storedBefore + 1);
    editor.close();
    reader.close();
  });

  it("demoting a connected editor to viewer makes their socket read-only at once", async () => {
    const owner = await signUp("Owner");
    const member = await signUp("Member");
    const room = await createRoom(owner.auth);
    await addMember(owner.auth, room.id, member, "editor");
    const ownerClient = partyClient(room.id, owner.auth);
    const memberClient = partyClient(room.id, member.auth);
    await Promise.all([synced(ownerClient), synced(memberClient)]);
    memberClient.doc.getText("t").insert(0, "allowed");
    await until(() => expect(ownerClient.doc.getText("t").toString()).toBe("allowed"));

    await addMember(owner.auth, room.id, member, "viewer");
    memberClient.doc.getText("t").insert(0, "blocked ");
    ownerClient.doc.getText("t").insert(7, ".");
    await until(() => expect(memberClient.doc.getText("t").toString()).toContain("."));
    expect(ownerClient.doc.getText("t").toString()).toBe("allowed.");
    ownerClient.close();
    memberClient.close();
  });
});

describe("hostile frames", () => {
  it("oversized, garbage and invalid-update frames close only the offender and leave the document intact", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const honest = partyClient(room.id, owner.auth);
    await synced(honest);
    honest.doc.getText("t").insert(0, "safe");
    await until(async () => expect(await storedUpdateCount(room.id)).toBeGreaterThan(0));
    const before = await runInDurableObject(roomStub(env, room.id), (instance: Room) => instance.document.getText("t").toString());

    const cases: Array<[Uint8Array | string, number]> = [
      [new Uint8Array(1024 * 1024 + 10), RoomCloseCode.tooLarge],
      [new Uint8Array([0, 1]), RoomCloseCode.malformed], // truncated sync frame
      [new Uint8Array([0, 7, 1, 0]), RoomCloseCode.malformed], // unknown sync step
      [syncUpdateFrame(new Uint8Array([1, 2, 3, 4, 5, 250, 250, 250])), RoomCloseCode.malformed], // not a Yjs update
      ["plain text", RoomCloseCode.malformed],
    ];
    for (const [payload, code] of cases) {
      const { socket } = await rawConnect(`/parties/room/${room.id}`, owner.auth);
      const closing = closed(socket!);
      socket!.send(payload);
      expect((await closing).code).toBe(code);
    }
    honest.doc.getText("t").insert(4, " and sound");
    await until(() =>
      runInDurableObject(roomStub(env, room.id), (instance: Room) => {
        expect(instance.document.getText("t").toString()).toBe(`${before} and sound`);
      }),
    );
    const stats = await runInDurableObject(roomStub(env, room.id), (instance: Room) => instance.stats());
    expect(stats.rejectedFrames.tooLarge).toBe(1);
    expect(stats.rejectedFrames.malformed).toBe(4);
    honest.close();
  });
});

describe("storage", () => {
  it("compaction keeps the content and shrinks the log to one state", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const client = partyClient(room.id, owner.auth);
    await synced(client);
    const text = client.doc.getText("t");
    for (let i = 0; i < 300; i++) text.insert(text.length, i % 10 === 9 ? "\n" : "x");
    const expected = text.toString();
    await until(async () => expect(await storedTextOf(room.id)).toBe(expected));
    const before = await runInDurableObject(roomStub(env, room.id), (instance: Room) => instance.stats());

    await runInDurableObject(roomStub(env, room.id), (instance: Room) => instance.compactNow());
    const after = await runInDurableObject(roomStub(env, room.id), (instance: Room) => instance.stats());
    expect(after.logCount).toBe(0);
    expect(after.storedBytes).toBeLessThan(before.storedBytes / 3);
    client.close();

    await abortAllDurableObjects();
    const fresh = stockClient(room.id, owner.auth);
    await synced(fresh);
    expect(fresh.doc.getText("t").toString()).toBe(expected);
    fresh.close();
  });

  it("the snapshot alarm writes the state to R2 with metadata in D1, and skips unchanged content", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const client = partyClient(room.id, owner.auth);
    await synced(client);
    client.doc.getText("t").insert(0, "snapshot me");
    await until(async () => expect(await storedUpdateCount(room.id)).toBeGreaterThan(0));
    // The edit scheduled the alarm; make it due now and run it.
    await runInDurableObject(roomStub(env, room.id), (_room: Room, state) => {
      state.storage.sql.exec("UPDATE room_meta SET value = '1' WHERE key IN ('snapshot_dirty_since', 'snapshot_last_edit')");
    });
    expect(await runDurableObjectAlarm(roomStub(env, room.id))).toBe(true);

    const rows = await env.DB.prepare("SELECT * FROM snapshots WHERE room_id = ?").bind(room.id).all<Record<string, unknown>>();
    expect(rows.results).toHaveLength(1);
    const row = rows.results[0]!;
    expect(row).toMatchObject({ reason: "auto", r2_key: `snapshots/${room.id}/${row.id}` });
    const object = await env.STORAGE.get(String(row.r2_key));
    const state = new Uint8Array(await object!.arrayBuffer());
    expect(state.byteLength).toBe(row.bytes);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, state);
    expect(copy.getText("t").toString()).toBe("snapshot me");

    // Nothing changed since: a second automatic snapshot is not written.
    await runInDurableObject(roomStub(env, room.id), (instance: Room) => instance.snapshot({ reason: "auto", by: null, label: null }));
    const again = await env.DB.prepare("SELECT COUNT(*) AS n FROM snapshots WHERE room_id = ?").bind(room.id).first<{ n: number }>();
    expect(again!.n).toBe(1);
    client.close();
  });

  it("a room whose object storage is empty restores from its latest R2 snapshot", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const client = partyClient(room.id, owner.auth);
    await synced(client);
    client.doc.getText("t").insert(0, "kept in R2");
    await until(async () => expect(await storedUpdateCount(room.id)).toBeGreaterThan(0));
    await runInDurableObject(roomStub(env, room.id), (instance: Room) => instance.snapshot({ reason: "manual", by: owner.id, label: "v1" }));
    client.close();

    await runInDurableObject(roomStub(env, room.id), (_room: Room, state) => state.storage.deleteAll());
    await abortAllDurableObjects();

    const fresh = stockClient(room.id, owner.auth);
    await synced(fresh);
    await until(() => expect(fresh.doc.getText("t").toString()).toBe("kept in R2"));
    fresh.close();
  });
});
