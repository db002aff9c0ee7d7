// Conditional REST edits (issue 19 item 3): ETag from GET, If-Match and If-None-Match: * on PUT
// and append, checked inside the Room object while an editor types through a real socket.
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { readDocument } from "../../src/rooms/document/convert.ts";
import { type Auth, call, json, signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";
import { partyClient, synced, until } from "../helpers/yjs-clients.ts";

function edit(roomId: string, auth: Auth, body: string, headers: Record<string, string> = {}, path = "document") {
  return call(path === "document" ? "PUT" : "POST", `/api/rooms/${roomId}/${path}`, {
    auth,
    rawBody: body,
    headers: { "content-type": "text/markdown", ...headers },
  });
}

async function etagOf(roomId: string, auth: Auth): Promise<string> {
  const response = await call("GET", `/api/rooms/${roomId}/document?format=markdown`, { auth });
  expect(response.status).toBe(200);
  const etag = response.headers.get("etag");
  expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
  return etag!;
}

describe("conditional document edits", () => {
  it("the ETag is stable while nothing changes and moves with every edit, deletions included", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const first = await etagOf(room.id, owner.auth);
    expect(await etagOf(room.id, owner.auth)).toBe(first);
    const put = await edit(room.id, owner.auth, "Hello world.");
    expect(put.status).toBe(204);
    const afterPut = await etagOf(room.id, owner.auth);
    expect(afterPut).not.toBe(first);
    expect(put.headers.get("etag")).toBe(afterPut); // the edit answers with the new version's ETag

    // A delete-only edit does not move Yjs's state vector; the ETag must move anyway.
    const editor = partyClient(room.id, owner.auth);
    await synced(editor);
    await until(() => expect(readDocument(editor.doc, "text")).toContain("Hello world."));
    const paragraph = editor.doc.getXmlFragment("default").get(0) as Y.XmlElement;
    (paragraph.get(0) as Y.XmlText).delete(5, 6);
    await until(async () => {
      const text = await (await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth })).text();
      expect(text.trim()).toBe("Hello.");
    });
    expect(await etagOf(room.id, owner.auth)).not.toBe(afterPut);
    editor.close();
  });

  it("412 with the current ETag when an editor typed since the read; 204 with the current one", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    expect((await edit(room.id, owner.auth, "Draft one.")).status).toBe(204);
    const editor = partyClient(room.id, owner.auth);
    await synced(editor);
    await until(() => expect(readDocument(editor.doc, "text")).toContain("Draft one."));

    const read = await etagOf(room.id, owner.auth);
    // The editor types after the script read the document.
    const paragraph = editor.doc.getXmlFragment("default").get(0) as Y.XmlElement;
    (paragraph.get(0) as Y.XmlText).insert(0, "Typed: ");
    await until(async () => expect(await etagOf(room.id, owner.auth)).not.toBe(read));

    const stale = await edit(room.id, owner.auth, "Script overwrite.", { "if-match": read });
    expect(stale.status).toBe(412);
    const body = await json(stale);
    expect(body.error.code).toBe("precondition_failed");
    const current = stale.headers.get("etag");
    expect(current).toBe(body.error.details.etag);
    expect(current).toBe(await etagOf(room.id, owner.auth));
    const staleAppend = await edit(room.id, owner.auth, "Appended.", { "if-match": read }, "document/append");
    expect(staleAppend.status).toBe(412);
    // Nothing was written by either refused edit.
    const text = await (await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth })).text();
    expect(text.trim()).toBe("Typed: Draft one.");

    const fresh = await edit(room.id, owner.auth, "Typed: Draft one.\n\nScript addition.", { "if-match": current! });
    expect(fresh.status).toBe(204);
    await until(() => expect(readDocument(editor.doc, "text")).toContain("Script addition."));
    // A list of tags matches if any does; a weak tag never does.
    const now = fresh.headers.get("etag")!;
    expect((await edit(room.id, owner.auth, "More.", { "if-match": `"0000", ${now}` }, "document/append")).status).toBe(204);
    const latest = await etagOf(room.id, owner.auth);
    expect((await edit(room.id, owner.auth, "More.", { "if-match": `W/${latest}` }, "document/append")).status).toBe(412);
    expect((await edit(room.id, owner.auth, "Any.", { "if-match": "*" }, "document/append")).status).toBe(204);
    editor.close();
  });

  it("an editor typing without pause never lets a stale If-Match through", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    expect((await edit(room.id, owner.auth, "Start")).status).toBe(204);
    const editor = partyClient(room.id, owner.auth);
    await synced(editor);
    await until(() => expect(readDocument(editor.doc, "text")).toContain("Start"));
    const text = (editor.doc.getXmlFragment("default").get(0) as Y.XmlElement).get(0) as Y.XmlText;
    let typing = true;
    const typist = (async () => {
      while (typing) {
        text.insert(text.length, "x");
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    let refused = 0;
    for (let i = 0; i < 10; i++) {
      const read = await etagOf(room.id, owner.auth);
      await new Promise((resolve) => setTimeout(resolve, 30)); // the editor types meanwhile
      const response = await edit(room.id, owner.auth, `Script ${i}.`, { "if-match": read }, "document/append");
      expect([204, 412]).toContain(response.status);
      if (response.status === 412) refused++;
    }
    typing = false;
    await typist;
    expect(refused).toBeGreaterThan(0);
    const document = await (await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth })).text();
    // Whatever got through landed once; the refused appends left nothing.
    expect((document.match(/Script \d+\./g) ?? []).length).toBe(10 - refused);
    editor.close();
  });

  it("a GET with the current ETag in If-None-Match is a 304; a stale one gets the document", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    expect((await edit(room.id, owner.auth, "Cached.")).status).toBe(204);
    const etag = await etagOf(room.id, owner.auth);
    const fresh = await call("GET", `/api/rooms/${room.id}/document?format=markdown`, { auth: owner.auth, headers: { "if-none-match": etag } });
    expect(fresh.status).toBe(304);
    expect(fresh.headers.get("etag")).toBe(etag);
    expect((await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth, headers: { "if-none-match": `W/${etag}` } })).status).toBe(304);
    expect((await edit(room.id, owner.auth, "Changed.", {}, "document/append")).status).toBe(204);
    const stale = await call("GET", `/api/rooms/${room.id}/document?format=markdown`, { auth: owner.auth, headers: { "if-none-match": etag } });
    expect(stale.status).toBe(200);
    expect(await stale.text()).toContain("Changed.");
    // An outsider learns nothing from a guessed ETag: 404 before any comparison.
    const outsider = await signUp("Outsider");
    expect((await call("GET", `/api/rooms/${room.id}/document`, { auth: outsider.auth, headers: { "if-none-match": etag } })).status).toBe(404);
  });

  it("If-None-Match: * writes only into an empty document", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const created = await edit(room.id, owner.auth, "# First\n", { "if-none-match": "*" });
    expect(created.status).toBe(204);
    const again = await edit(room.id, owner.auth, "# Second\n", { "if-none-match": "*" });
    expect(again.status).toBe(412);
    expect(again.headers.get("etag")).toBe(await etagOf(room.id, owner.auth));
    const markdown = await (await call("GET", `/api/rooms/${room.id}/document?format=markdown`, { auth: owner.auth })).text();
    expect(markdown.trim()).toBe("# First");
    // Emptied again (only an empty paragraph left, as an editor leaves it): it counts as empty.
    expect((await edit(room.id, owner.auth, "")).status).toBe(204);
    expect((await edit(room.id, owner.auth, "Fresh.", { "if-none-match": "*" }, "document/append")).status).toBe(204);
  });

  it("without headers edits behave as before; bad headers are 400", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    expect((await edit(room.id, owner.auth, "One.")).status).toBe(204);
    expect((await edit(room.id, owner.auth, "Two.")).status).toBe(204);
    expect((await edit(room.id, owner.auth, "Three.", {}, "document/append")).status).toBe(204);
    const text = await (await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth })).text();
    expect(text).toContain("Two.");
    expect(text).toContain("Three.");
    for (const headers of <Record<string, string>[]>[
      { "if-match": "not-quoted" },
      { "if-none-match": '"abc"' },
      { "if-match": "*", "if-none-match": "*" },
      { "if-match": Array.from({ length: 20 }, (_, i) => `"${i}"`).join(", ") },
    ]) {
      const response = await edit(room.id, owner.auth, "Nope.", headers);
      expect(response.status).toBe(400);
      expect((await json(response)).error.code).toBe("bad_request");
    }
  });
});
