// Streaming append (issue 19 item 4): a chunked Markdown body applied as it arrives, equal in
// the end to the same Markdown sent at once, seen growing by a connected editor, kept when the
// connection drops.
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { readDocument } from "../../src/rooms/document/convert.ts";
import { type Auth, call, json, signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";
import { partyClient, synced, until } from "../helpers/yjs-clients.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const MARKDOWN = [
  "# Release notes — ünïcödé ✓",
  "",
  "Intro paragraph with **bold**, *emphasis*, `code` and a [link](https://example.com/a).",
  "",
  "## Changes",
  "",
  "- first item",
  "- second item with **strong** text",
  "  continued on a second line",
  "",
  "1. one",
  "2. two",
  "",
  "> a quote that spans",
  "> two lines",
  "",
  "```js",
  "const x = 1;",
  "",
  "console.log(x);",
  "```",
  "",
  ...Array.from({ length: 30 }, (_, i) => `Paragraph ${i} — ${"words and more words ".repeat(3)}🙂\n`),
].join("\n");

/** `bytes` cut into `count` chunks at arbitrary byte offsets (UTF-8 sequences split too), with pauses. */
function chunked(bytes: Uint8Array, count: number, pauseEvery = 50, pauseMs = 15, failAfter?: number): ReadableStream<Uint8Array> {
  const size = Math.ceil(bytes.byteLength / count);
  let offset = 0;
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (failAfter !== undefined && sent === failAfter) return controller.error(new Error("connection dropped"));
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
      sent++;
      if (sent % pauseEvery === 0) await sleep(pauseMs);
    },
  });
}

function append(roomId: string, auth: Auth, body: BodyInit, headers: Record<string, string> = {}) {
  return call("POST", `/api/rooms/${roomId}/document/append`, { auth, rawBody: body, headers: { "content-type": "text/markdown", ...headers } });
}

async function documentOf(roomId: string, auth: Auth) {
  return json(await call("GET", `/api/rooms/${roomId}/document?format=json`, { auth }));
}

describe("streamed append", () => {
  it("1,000 chunks end up exactly as the same Markdown sent at once", async () => {
    const owner = await signUp("Owner");
    const streamed = await createRoom(owner.auth);
    const whole = await createRoom(owner.auth);
    const bytes = new TextEncoder().encode(MARKDOWN);
    expect(bytes.byteLength).toBeGreaterThan(2000); // so each of the 1,000 chunks holds bytes
    // Both start with the same paragraph, which the append must keep.
    for (const room of [streamed, whole]) expect((await append(room.id, owner.auth, "Before.")).status).toBe(204);
    const response = await append(streamed.id, owner.auth, chunked(bytes, 1000));
    expect(response.status).toBe(204);
    expect((await append(whole.id, owner.auth, MARKDOWN)).status).toBe(204);
    const [a, b] = [await documentOf(streamed.id, owner.auth), await documentOf(whole.id, owner.auth)];
    expect(a).toEqual(b);
    expect(a.content[0]).toMatchObject({ type: "paragraph", content: [{ text: "Before." }] });
    expect(a.content.filter((n: { type: string }) => n.type === "heading")).toHaveLength(2);
    expect(response.headers.get("etag")).toBe((await call("GET", `/api/rooms/${streamed.id}/document`, { auth: owner.auth })).headers.get("etag"));
  });

  it("a connected editor sees the text grow; a heading split across chunks is one heading", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const editor = partyClient(room.id, owner.auth);
    await synced(editor);
    const seen: string[] = [];
    editor.doc.on("update", () => seen.push(readDocument(editor.doc, "markdown")));
    const parts = ["# Hea", "ding one\n\nFirst para", "graph.\n\n## Sec", "ond\n\nLast."];
    let index = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (index === parts.length) return controller.close();
        if (index > 0) await sleep(250); // longer than a step: the room is updated between chunks
        controller.enqueue(new TextEncoder().encode(parts[index++]));
      },
    });
    expect((await append(room.id, owner.auth, body)).status).toBe(204);
    await until(() => expect(readDocument(editor.doc, "markdown").trim()).toBe("# Heading one\n\nFirst paragraph.\n\n## Second\n\nLast."));
    // It grew while the body was arriving: partial states reached the editor before the end.
    expect(seen.some((markdown) => markdown.includes("Heading one") && !markdown.includes("Last."))).toBe(true);
    const fragment = editor.doc.getXmlFragment("default");
    const headings = fragment.toArray().filter((n) => n instanceof Y.XmlElement && n.nodeName === "heading");
    expect(headings).toHaveLength(2);
    editor.close();
  });

  it("a dropped connection keeps what arrived", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const text = Array.from({ length: 40 }, (_, i) => `Line ${i}.`).join("\n\n");
    // 20 of 40 chunks, then the stream fails.
    const response = await append(room.id, owner.auth, chunked(new TextEncoder().encode(text), 40, 5, 120, 20)).catch((error: unknown) => error);
    if (response instanceof Response) await response.body?.cancel();
    await until(async () => {
      const stored = await (await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth })).text();
      expect(stored).toContain("Line 0.");
    });
    const stored = await (await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth })).text();
    expect(stored).not.toContain("Line 39.");
  });

  it("a stream past the limits stops with 413, keeping what was applied before", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    // 1.5 MiB of paragraphs, slowly enough that steps land before a limit (the request's 1 MiB,
    // or the test room's 256 KiB document cap) is reached.
    const text = Array.from({ length: 15_000 }, (_, i) => `Paragraph ${i} ${"x".repeat(90)}`).join("\n\n");
    const response = await append(room.id, owner.auth, chunked(new TextEncoder().encode(text), 300, 10, 120));
    expect(response.status).toBe(413);
    expect(["payload_too_large", "document_full"]).toContain((await json(response)).error.code);
    const stored = await (await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth })).text();
    expect(stored).toContain("Paragraph 0 ");
    expect(stored).not.toContain("Paragraph 14999 ");
  });

  it("If-Match applies to the stream's first step: stale is 412 and nothing is written", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    expect((await append(room.id, owner.auth, "One.")).status).toBe(204);
    const etag = (await call("GET", `/api/rooms/${room.id}/document`, { auth: owner.auth })).headers.get("etag")!;
    expect((await append(room.id, owner.auth, "Two.")).status).toBe(204);
    const stale = await append(room.id, owner.auth, chunked(new TextEncoder().encode("Three.\n\nFour."), 4), { "if-match": etag });
    expect(stale.status).toBe(412);
    const text = await (await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth })).text();
    expect(text).not.toContain("Three.");
    const current = stale.headers.get("etag")!;
    expect((await append(room.id, owner.auth, chunked(new TextEncoder().encode("Three.\n\nFour."), 4), { "if-match": current })).status).toBe(204);
  });
});
