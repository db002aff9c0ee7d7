import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { readDocument } from "../../src/rooms/document/convert.ts";
import { call, json, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { partyClient, stockClient, synced, until } from "../helpers/yjs-clients.ts";

function put(roomId: string, auth: { cookie?: string }, body: string, type: string, path = "document") {
  return call(path === "document" ? "PUT" : "POST", `/api/rooms/${roomId}/${path}`, {
    auth,
    rawBody: body,
    headers: { "content-type": type },
  });
}

describe("REST document access", () => {
  it("a REST PUT of Markdown appears live in a connected editor, in Tiptap's structure", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const editor = partyClient(room.id, owner.auth);
    await synced(editor);
    const response = await put(room.id, owner.auth, "# Plan\n\nShip **it** today.\n\n- one\n- two\n", "text/markdown");
    expect(response.status).toBe(204);
    await until(() => expect(readDocument(editor.doc, "markdown")).toContain("# Plan"));
    const fragment = editor.doc.getXmlFragment("default");
    expect((fragment.get(0) as Y.XmlElement).nodeName).toBe("heading");
    expect((fragment.get(0) as Y.XmlElement).getAttribute("level")).toBe(1);

    const markdown = await call("GET", `/api/rooms/${room.id}/document?format=markdown`, { auth: owner.auth });
    expect(markdown.headers.get("content-type")).toContain("text/markdown");
    expect(await markdown.text()).toMatch(/^# Plan\n\nShip \*\*it\*\* today\.\n\n- one\n- two\n?$/);
    const html = await (await call("GET", `/api/rooms/${room.id}/document?format=html`, { auth: owner.auth })).text();
    expect(html).toContain("<h1>Plan</h1>");
    const text = await (await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth })).text();
    expect(text).toContain("Ship it today.");
    const pm = await json(await call("GET", `/api/rooms/${room.id}/document?format=json`, { auth: owner.auth }));
    expect(pm.type).toBe("doc");
    const yjs = await call("GET", `/api/rooms/${room.id}/document?format=yjs`, { auth: owner.auth });
    const copy = new Y.Doc();
    Y.applyUpdate(copy, new Uint8Array(await yjs.arrayBuffer()));
    expect(readDocument(copy, "text")).toContain("Ship it today.");
    editor.close();
  });

  it("replacing keeps what a connected editor typed in an untouched paragraph; append adds at the end", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    await put(room.id, owner.auth, "First paragraph.\n\nSecond paragraph.", "text/plain");
    const editor = stockClient(room.id, owner.auth);
    await synced(editor);
    await until(() => expect(readDocument(editor.doc, "text")).toContain("Second paragraph."));
    // The editor types inside the first paragraph (as Tiptap would, into its Y.XmlText).
    const first = editor.doc.getXmlFragment("default").get(0) as Y.XmlElement;
    (first.get(0) as Y.XmlText).insert(0, "Edited: ");
    await until(async () => {
      const text = await (await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth })).text();
      expect(text).toContain("Edited: First");
    });
    expect((await put(room.id, owner.auth, "<p>Edited: First paragraph.</p><p>New second.</p>", "text/html")).status).toBe(204);
    expect((await put(room.id, owner.auth, "Appended line.", "text/plain", "document/append")).status).toBe(204);
    await until(() => {
      const text = readDocument(editor.doc, "text");
      expect(text).toContain("Edited: First paragraph.");
      expect(text).toContain("New second.");
      expect(text).not.toContain("Second paragraph.");
      expect(text.trim().endsWith("Appended line.")).toBe(true);
    });
    editor.close();
  });

  it("viewers may read but not write; bad bodies are 4xx", async () => {
    const owner = await signUp("Owner");
    const viewer = await signUp("Viewer");
    const room = await createRoom(owner.auth);
    await addMember(owner.auth, room.id, viewer, "viewer");
    expect((await call("GET", `/api/rooms/${room.id}/document`, { auth: viewer.auth })).status).toBe(200);
    expect((await put(room.id, viewer.auth, "nope", "text/plain")).status).toBe(403);
    expect((await put(room.id, owner.auth, "{not json", "application/json")).status).toBe(400);
    expect((await put(room.id, owner.auth, JSON.stringify({ type: "doc", content: [{ type: "bogus" }] }), "application/json")).status).toBe(400);
    expect((await put(room.id, owner.auth, "x", "image/png")).status).toBe(415);
    expect((await call("GET", `/api/rooms/${room.id}/document?format=pdf`, { auth: owner.auth })).status).toBe(400);
    const outsider = await signUp("Outsider");
    expect((await call("GET", `/api/rooms/${room.id}/document`, { auth: outsider.auth })).status).toBe(404);
  });
});

describe("history", () => {
  it("snapshots are listed with author and label, previewed in any format, and restored live as a new edit", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    await put(room.id, owner.auth, "Version one.", "text/plain");
    const created = await call("POST", `/api/rooms/${room.id}/snapshots`, { auth: owner.auth, body: { label: "v1" } });
    expect(created.status).toBe(201);
    const { snapshot } = await json(created);
    expect(snapshot).toMatchObject({ label: "v1", reason: "manual", createdBy: { id: owner.id, name: "Owner" } });
    const row = await env.DB.prepare("SELECT r2_key, bytes FROM snapshots WHERE id = ?").bind(snapshot.id).first<{ r2_key: string; bytes: number }>();
    expect(row!.r2_key).toBe(`snapshots/${room.id}/${snapshot.id}`);
    expect((await env.STORAGE.head(row!.r2_key))!.size).toBe(row!.bytes);

    await put(room.id, owner.auth, "Version two, much changed.", "text/plain");
    const watcher = partyClient(room.id, owner.auth);
    await synced(watcher);
    await until(() => expect(readDocument(watcher.doc, "text")).toContain("Version two"));

    const preview = await call("GET", `/api/rooms/${room.id}/snapshots/${snapshot.id}?format=text`, { auth: owner.auth });
    expect((await preview.text()).trim()).toBe("Version one.");

    const restored = await call("POST", `/api/rooms/${room.id}/snapshots/${snapshot.id}/restore`, { auth: owner.auth });
    expect(restored.status).toBe(200);
    expect((await json(restored)).snapshot.reason).toBe("restore");
    await until(() => expect(readDocument(watcher.doc, "text").trim()).toBe("Version one."));

    const list = await json(await call("GET", `/api/rooms/${room.id}/snapshots`, { auth: owner.auth }));
    expect(list.snapshots.map((s: { reason: string }) => s.reason)).toEqual(["restore", "manual"]);
    watcher.close();
  });

  it("a snapshot whose stored bytes were damaged is refused with 410, never served or restored", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    await put(room.id, owner.auth, "Kept safe.", "text/plain");
    const { snapshot } = await json(await call("POST", `/api/rooms/${room.id}/snapshots`, { auth: owner.auth, body: { label: "v1" } }));
    await env.STORAGE.put(`snapshots/${room.id}/${snapshot.id}`, new Uint8Array([1, 2, 3]));
    for (const [method, path] of [
      ["GET", `/api/rooms/${room.id}/snapshots/${snapshot.id}?format=text`],
      ["POST", `/api/rooms/${room.id}/snapshots/${snapshot.id}/restore`],
    ] as const) {
      const response = await call(method, path, { auth: owner.auth });
      expect(response.status).toBe(410);
      expect((await json(response)).error.code).toBe("snapshot_unreadable");
    }
    const current = await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth });
    expect((await current.text()).trim()).toBe("Kept safe.");
  });

  it("unknown snapshots are 404 and snapshots of another room are not reachable", async () => {
    const owner = await signUp("Owner");
    const roomA = await createRoom(owner.auth);
    const roomB = await createRoom(owner.auth);
    const { snapshot } = await json(await call("POST", `/api/rooms/${roomA.id}/snapshots`, { auth: owner.auth, body: {} }));
    expect((await call("GET", `/api/rooms/${roomB.id}/snapshots/${snapshot.id}`, { auth: owner.auth })).status).toBe(404);
    expect((await call("POST", `/api/rooms/${roomA.id}/snapshots/${crypto.randomUUID()}/restore`, { auth: owner.auth })).status).toBe(404);
  });
});
