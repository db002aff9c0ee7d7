// Who changed what (src/rooms/attribution/, GET /api/rooms/:id/changes): authors recorded per
// Yjs id range, kept through compaction, for socket edits, REST edits and restores; rooms
// stored before attribution load with their content attributed to "unknown".
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Room } from "../../src/rooms/room.ts";
import { MAX_DELETE_ROWS } from "../../src/rooms/attribution/store.ts";
import { DocumentStorage } from "../../src/rooms/storage.ts";
import { roomStub } from "../../src/rooms/stub.ts";
import type { DocumentChange, DocumentChanges } from "../../src/shared/api-types.ts";
import { admin, call, createToken, json, signUp, type Auth } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { partyClient, synced, until, type Client } from "../helpers/yjs-clients.ts";
import { writePreAttributionRoom } from "../helpers/room-storage.ts";

const BEGINNING = "1970-01-01T00:00:00Z";

async function changes(auth: Auth, roomId: string, since: string): Promise<DocumentChanges> {
  const response = await call("GET", `/api/rooms/${roomId}/changes?since=${encodeURIComponent(since)}`, { auth });
  expect(response.status).toBe(200);
  return json(response);
}

/** The text each author inserted (or deleted), all runs joined. */
function byAuthor(list: DocumentChange[], kind: "insert" | "delete"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const change of list) if (change.kind === kind) out[change.author.name] = (out[change.author.name] ?? "") + change.text;
  return out;
}

function paragraph(text: string): Y.XmlElement {
  const element = new Y.XmlElement("paragraph");
  const content = new Y.XmlText();
  content.insert(0, text);
  element.insert(0, [content]);
  return element;
}

function textOf(client: Client, block: number): Y.XmlText {
  return (client.doc.getXmlFragment("default").get(block) as Y.XmlElement).get(0) as Y.XmlText;
}

async function putMarkdown(auth: Auth, roomId: string, markdown: string, method = "PUT", path = "document"): Promise<void> {
  const response = await call(method, `/api/rooms/${roomId}/${path}`, { auth, headers: { "content-type": "text/markdown" }, rawBody: markdown });
  expect(response.status).toBe(204);
}

async function takeSnapshot(auth: Auth, roomId: string, label: string): Promise<string> {
  const response = await call("POST", `/api/rooms/${roomId}/snapshots`, { auth, body: { label } });
  expect(response.status).toBe(201);
  return (await json(response)).snapshot.id;
}

const roomOf = (id: string) => roomStub(env, id) as unknown as DurableObjectStub<Room>;

describe("attribution", () => {
  it("attributes concurrent edits by two users, and keeps them through compaction", async () => {
    const ada = await signUp("Ada");
    const bob = await signUp("Bob");
    const room = await createRoom(ada.auth);
    await addMember(ada.auth, room.id, bob, "editor");
    const a = partyClient(room.id, ada.auth);
    const b = partyClient(room.id, bob.auth);
    await Promise.all([synced(a), synced(b)]);
    a.doc.getXmlFragment("default").insert(0, [paragraph("Ada's line.")]);
    await until(() => expect(b.doc.getXmlFragment("default").length).toBe(1));
    // Both type at once, character by character, into the same paragraph and a new one.
    b.doc.getXmlFragment("default").insert(1, [paragraph("")]);
    for (const ch of " more") textOf(a, 0).insert(textOf(a, 0).length, ch);
    for (const ch of "Bob here") textOf(b, 1).insert(textOf(b, 1).length, ch);
    await until(() => {
      expect(a.doc.getXmlFragment("default").toString()).toBe(b.doc.getXmlFragment("default").toString());
      expect(textOf(a, 1).toString()).toBe("Bob here");
      expect(textOf(b, 0).toString()).toBe("Ada's line. more");
    });
    // Bob deletes "line" from Ada's paragraph.
    textOf(b, 0).delete(6, 6);
    await until(() => expect(textOf(a, 0).toString()).toBe("Ada's more"));
    await until(async () => {
      const now = await changes(ada.auth, room.id, BEGINNING);
      expect(byAuthor(now.changes, "insert")).toEqual({ Ada: "Ada's more", Bob: "Bob here" });
    });

    const before = await changes(ada.auth, room.id, BEGINNING);
    const insertRows = (await roomOf(room.id).stats()).attribution.insertRows;
    // One person typing extends one row; a row per keystroke would be ~20 here.
    expect(insertRows).toBeLessThanOrEqual(4);
    await runInDurableObject(roomOf(room.id), (instance: Room) => instance.compactNow());
    const stats = await roomOf(room.id).stats();
    expect(stats.logCount).toBe(0);
    const after = await changes(ada.auth, room.id, BEGINNING);
    expect(after.changes).toEqual(before.changes);
    expect(after.changes.every((change) => change.author.id === ada.id || change.author.id === bob.id)).toBe(true);

    // Deletions show against a snapshot: Bob's, of Ada's text, read from the snapshot.
    const snapshotId = await takeSnapshot(ada.auth, room.id, "before deleting");
    textOf(a, 0).delete(0, 6);
    await until(async () => {
      const since = await changes(bob.auth, room.id, snapshotId);
      expect(since.since.snapshotId).toBe(snapshotId);
      expect(byAuthor(since.changes, "delete")).toEqual({ Ada: "Ada's " });
      expect(byAuthor(since.changes, "insert")).toEqual({});
    });
    a.close();
    b.close();
  });

  it("attributes REST edits to the user behind a session or token, and to the admin script", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const token = await createToken(owner.auth, ["read", "write"]);
    await putMarkdown({ token: token.secret }, room.id, "From a token.");
    await putMarkdown(admin, room.id, "From the admin.", "POST", "document/append");
    const all = await changes(owner.auth, room.id, BEGINNING);
    expect(byAuthor(all.changes, "insert")).toEqual({ Owner: "From a token.", "Admin script": "From the admin." });
    expect(all.changes.find((c) => c.author.name === "Owner")!.author.id).toBe(owner.id);
    expect(all.changes.find((c) => c.author.name === "Admin script")!.author.id).toBeNull();
  });

  it("attributes a restore to whoever restored", async () => {
    const owner = await signUp("Owner");
    const carol = await signUp("Carol");
    const room = await createRoom(owner.auth);
    await addMember(owner.auth, room.id, carol, "editor");
    await putMarkdown(owner.auth, room.id, "Original words");
    const original = await takeSnapshot(owner.auth, room.id, "original");
    await putMarkdown(owner.auth, room.id, "Replacement text!");
    const replaced = await takeSnapshot(owner.auth, room.id, "replaced");
    const restored = await call("POST", `/api/rooms/${room.id}/snapshots/${original}/restore`, { auth: carol.auth });
    expect(restored.status).toBe(200);
    const since = await changes(owner.auth, room.id, replaced);
    expect(byAuthor(since.changes, "insert")).toEqual({ Carol: "Original words" });
    expect(byAuthor(since.changes, "delete")).toEqual({ Carol: "Replacement text!" });
  });

  it("loads a room stored before attribution and attributes its old content to unknown", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    // The rows the previous storage.ts wrote, put in place before the room object first starts.
    await runInDurableObject(roomOf(room.id), async (_instance: Room, state) => {
      const sql = state.storage.sql;
      expect(sql.exec("SELECT name FROM sqlite_master WHERE name LIKE 'attr_%'").toArray()).toEqual([]);
      writePreAttributionRoom(sql);
    });
    const text = await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth });
    expect(await text.text()).toContain("Written before attribution existed.");
    await putMarkdown(owner.auth, room.id, "New line.", "POST", "document/append");
    const all = await changes(owner.auth, room.id, BEGINNING);
    expect(byAuthor(all.changes, "insert")).toEqual({
      Unknown: "Written before attribution existed.Logged after the last compaction.",
      Owner: "New line.",
    });
    expect(all.since).toMatchObject({ snapshotId: null });
    const markdown = await call("GET", `/api/rooms/${room.id}/changes?since=${BEGINNING}&format=markdown`, { auth: owner.auth });
    expect(markdown.headers.get("content-type")).toContain("text/markdown");
    const body = await markdown.text();
    expect(body).toContain("**Unknown** added in block 1: “Written before attribution existed.”");
    expect(body).toContain("**Owner** added in block 3: “New line.”");
  });

  it("answers a time with the newest snapshot at or before it, and refuses a bad since", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    await putMarkdown(owner.auth, room.id, "First.");
    const first = await takeSnapshot(owner.auth, room.id, "first");
    await putMarkdown(owner.auth, room.id, "First. Second.");
    const since = await changes(owner.auth, room.id, new Date(Date.now() + 1000).toISOString());
    expect(since.since.snapshotId).toBe(first);
    expect(since.since.note).toContain(first);
    expect(byAuthor(since.changes, "insert")).toEqual({ Owner: " Second." });
    for (const bad of ["yesterday", "", "2026-13-45T00:00:00Z", "1' OR 1=1"]) {
      const response = await call("GET", `/api/rooms/${room.id}/changes?since=${encodeURIComponent(bad)}`, { auth: owner.auth });
      expect(response.status).toBe(400);
      expect((await json(response)).error.code).toBeTypeOf("string");
    }
    const missing = await call("GET", `/api/rooms/${room.id}/changes`, { auth: owner.auth });
    expect(missing.status).toBe(400);
    const unknown = await call("GET", `/api/rooms/${room.id}/changes?since=${crypto.randomUUID()}`, { auth: owner.auth });
    expect(unknown.status).toBe(404);
    const format = await call("GET", `/api/rooms/${room.id}/changes?since=${BEGINNING}&format=pdf`, { auth: owner.auth });
    expect(format.status).toBe(400);
  });

  it("bounds the deletion rows: one frame's scattered deletes are one row, and compaction keeps the newest", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    await roomOf(room.id).getState();
    await runInDurableObject(roomOf(room.id), async (_instance: Room, state) => {
      const storage = new DocumentStorage(state.storage);
      let author = "x";
      const doc = new Y.Doc();
      doc.on("update", (update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
        storage.stage(update);
        storage.attribution.stage(transaction, author);
        storage.commit();
      });
      const text = doc.getText("t");
      // Each character its own item: typed backwards, so no two merge into one struct.
      for (let i = 0; i < MAX_DELETE_ROWS + 700; i++) text.insert(0, "ab");
      const rows = () => storage.attribution.stats().deleteRows;
      // One transaction deleting every other character: past the per-update cap, one row.
      author = "hostile";
      doc.transact(() => {
        for (let i = 0; i < 600; i++) text.delete(i, 1);
      });
      expect(rows()).toBe(1);
      // Alternating authors, one deletion each: a row each, until compaction keeps the newest.
      for (let i = 0; i < MAX_DELETE_ROWS + 50; i++) {
        author = i % 2 ? "a" : "b";
        text.delete(text.length - 1 - i, 1);
      }
      expect(rows()).toBe(MAX_DELETE_ROWS + 51);
      storage.compact(Y.encodeStateAsUpdate(doc));
      expect(rows()).toBe(MAX_DELETE_ROWS);
      // The oldest row (the hostile span) went first; the alternating ones are still named.
      const authors = new Set(storage.attribution.read().deletedBy(doc.clientID, 0, 2 * (MAX_DELETE_ROWS + 700)).map((s) => s.author));
      expect([...authors].sort()).toEqual(["a", "b", "unknown"]);
    });
  });

  it("prints the cost of attribution per stored update (not asserted)", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    await roomOf(room.id).getState();
    await runInDurableObject(roomOf(room.id), async (_instance: Room, state) => {
      // One-character updates, each staged and committed alone (the worst case: a quiet room
      // flushes every update by itself), with and without their attribution.
      const run = (withAttribution: boolean, group = 1) => {
        const storage = new DocumentStorage(state.storage);
        let staged = 0;
        const doc = new Y.Doc();
        const text = new Y.XmlText();
        doc.on("update", (update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
          storage.stage(update);
          if (withAttribution) storage.attribution.stage(transaction, owner.id);
          if (++staged % group === 0) storage.commit();
        });
        const element = new Y.XmlElement("paragraph");
        element.insert(0, [text]);
        doc.getXmlFragment("default").insert(0, [element]);
        const started = performance.now();
        for (let i = 0; i < UPDATES; i++) text.insert(i, "x");
        for (let i = 0; i < UPDATES / 4; i++) text.delete(text.length - 1, 1);
        storage.commit();
        return { ms: performance.now() - started, storage };
      };
      const UPDATES = 2000;
      run(true); // warm-up: the first run pays for compiling the path
      const bare = run(false);
      const rowsBefore = new DocumentStorage(state.storage).attribution.stats();
      const attributed = run(true);
      // The same SQLite holds every run's rows: count what the last run added.
      const after = attributed.storage.attribution.stats();
      const stats = {
        insertRows: after.insertRows - rowsBefore.insertRows,
        deleteRows: after.deleteRows - rowsBefore.deleteRows,
        attributionBytes: after.attributionBytes - rowsBefore.attributionBytes,
      };
      const perUpdate = (ms: number) => ((ms / (UPDATES * 1.25)) * 1000).toFixed(1);
      // A busy room's flush: 32 updates per commit.
      const bareGrouped = run(false, 32);
      const attributedGrouped = run(true, 32);
      console.log(
        `attribution bench: ${UPDATES * 1.25} updates stored one commit each: ${perUpdate(bare.ms)} µs/update without attribution, ` +
          `${perUpdate(attributed.ms)} µs/update with it; 32 per commit: ${perUpdate(bareGrouped.ms)} µs without, ${perUpdate(attributedGrouped.ms)} µs with; rows: ${stats.insertRows} insert, ${stats.deleteRows} delete (${stats.attributionBytes} bytes)`,
      );
      // A typist's run is one row each way, not one per keystroke.
      expect(stats.insertRows).toBeLessThanOrEqual(2);
      expect(stats.deleteRows).toBeLessThanOrEqual(2);
    });
  });
});
