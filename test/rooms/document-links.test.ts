// Link targets: only http, https, mailto and relative URLs get into or out of a document, and
// exports are served so that opening one on the API's origin runs nothing.
import { describe, expect, it } from "vitest";
import { isSafeHref } from "../../src/shared/editor/safe-href.ts";
import { editorSchema } from "../../src/shared/editor/schema.ts";
import { replaceDocument } from "../../src/rooms/document/convert.ts";
import { call, json, signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";
import { partyClient, synced, until } from "../helpers/yjs-clients.ts";

const UNSAFE = ["javascript:alert(document.cookie)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "file:///etc/passwd", "javascript&#58;alert(1)"];
const SAFE = ["https://example.com/a?b=c#d", "http://example.com", "mailto:someone@example.com", "/api/files/x", "#top", "?q=1", "notes/page.html", "//example.com/x"];

function linkDocument(href: string) {
  return { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "click me", marks: [{ type: "link", attrs: { href } }] }] }] };
}

function send(roomId: string, auth: { cookie?: string }, body: string, type: string) {
  return call("PUT", `/api/rooms/${roomId}/document`, { auth, rawBody: body, headers: { "content-type": type } });
}

describe("document links", () => {
  it("tells safe targets from unsafe ones the way a browser reads them", () => {
    expect(UNSAFE.filter(isSafeHref)).toEqual([]);
    expect(SAFE.filter((href) => !isSafeHref(href))).toEqual([]);
  });

  it("a ProseMirror JSON import with an unsafe link is refused; a safe one is kept", async () => {
    const owner = await signUp("Importer");
    const room = await createRoom(owner.auth);
    for (const href of UNSAFE) {
      const response = await send(room.id, owner.auth, JSON.stringify(linkDocument(href)), "application/json");
      expect(response.status, href).toBe(400);
      expect((await json(response)).error.message).toContain("Links may point only to");
    }
    expect((await send(room.id, owner.auth, JSON.stringify(linkDocument("https://example.com")), "application/json")).status).toBe(204);
    const markdown = await (await call("GET", `/api/rooms/${room.id}/document?format=markdown`, { auth: owner.auth })).text();
    expect(markdown.trim()).toBe("[click me](https://example.com)");
  });

  it("HTML and Markdown imports keep an unsafe link's words as plain text", async () => {
    const owner = await signUp("Importer");
    const room = await createRoom(owner.auth);
    expect((await send(room.id, owner.auth, '<p><a href="javascript:alert(1)">html link</a> and <a href="data:text/html,x">data</a></p>', "text/html")).status).toBe(204);
    let exported = await json(await call("GET", `/api/rooms/${room.id}/document?format=json`, { auth: owner.auth }));
    expect(JSON.stringify(exported)).not.toContain('"link"');
    expect(JSON.stringify(exported)).toContain("html link");
    expect((await send(room.id, owner.auth, "[md link](vbscript:msgbox(1)) and [ftp](ftp://example.com/x)", "text/markdown")).status).toBe(204);
    exported = await json(await call("GET", `/api/rooms/${room.id}/document?format=json`, { auth: owner.auth }));
    expect(JSON.stringify(exported)).not.toContain('"link"');
  });

  it("an unsafe link an editor puts into the Yjs document never leaves it through an export", async () => {
    const owner = await signUp("Hostile");
    const room = await createRoom(owner.auth);
    const client = partyClient(room.id, owner.auth);
    await synced(client);
    // What a modified client can send: the schema's check() does not look at attributes.
    replaceDocument(client.doc, editorSchema.nodeFromJSON(linkDocument("javascript:alert(document.cookie)")));
    await until(async () => expect(await (await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth })).text()).toContain("click me"));

    for (const format of ["json", "markdown", "html"]) {
      const body = await (await call("GET", `/api/rooms/${room.id}/document?format=${format}`, { auth: owner.auth })).text();
      expect(body, format).toContain("click me");
      expect(body.toLowerCase(), format).not.toContain("javascript");
    }
    const snapshot = (await json(await call("POST", `/api/rooms/${room.id}/snapshots`, { auth: owner.auth, body: {} }))).snapshot;
    const old = await (await call("GET", `/api/rooms/${room.id}/snapshots/${snapshot.id}?format=markdown`, { auth: owner.auth })).text();
    expect(old.trim()).toBe("click me");
    client.close();
  });

  it("the shared editor schema renders an unsafe link without its target", () => {
    const mark = editorSchema.marks.link!.create({ href: "javascript:alert(1)" });
    const [tag, attrs] = editorSchema.marks.link!.spec.toDOM!(mark, true) as [string, Record<string, string>];
    expect(tag).toBe("a");
    expect(attrs.href).toBe("");
  });

  it("HTML exports of the document and of snapshots are sandboxed by CSP", async () => {
    const owner = await signUp("Reader");
    const room = await createRoom(owner.auth);
    expect((await send(room.id, owner.auth, "<p>hello</p>", "text/html")).status).toBe(204);
    const live = await call("GET", `/api/rooms/${room.id}/document?format=html`, { auth: owner.auth });
    expect(live.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");
    await live.body?.cancel();
    const snapshot = (await json(await call("POST", `/api/rooms/${room.id}/snapshots`, { auth: owner.auth, body: {} }))).snapshot;
    const old = await call("GET", `/api/rooms/${room.id}/snapshots/${snapshot.id}?format=html`, { auth: owner.auth });
    expect(old.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");
    expect(await old.text()).toContain("hello");
  });
});
