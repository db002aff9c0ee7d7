// Comment threads (src/rooms/comments/, src/api/rooms/comment-routes.ts): the REST contract, who
// may do what (with the commenter role), anchors that follow their text while a second Yjs
// client edits around and inside them, orphaning, restores, live notices and hostile input.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { writePreAttributionRoom } from "../helpers/room-storage.ts";
import type YProvider from "y-partyserver/provider";
import * as Y from "yjs";
import { parseRoomNotice, type RoomNotice } from "../../src/shared/room-protocol.ts";
import { admin, type Auth, call, json, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { partyClient, synced, until } from "../helpers/yjs-clients.ts";

async function put(roomId: string, auth: Auth, text: string) {
  const response = await call("PUT", `/api/rooms/${roomId}/document`, { auth, rawBody: text, headers: { "content-type": "text/plain" } });
  expect(response.status).toBe(204);
}

async function comment(roomId: string, auth: Auth, body: string, anchor: Record<string, unknown>) {
  return call("POST", `/api/rooms/${roomId}/comments`, { auth, body: { body, anchor } });
}

async function threads(roomId: string, auth: Auth, status = "all") {
  const response = await call("GET", `/api/rooms/${roomId}/comments?status=${status}`, { auth });
  expect(response.status).toBe(200);
  return (await json(response)).threads as { id: string; anchor: { quote: string; orphaned: boolean }; resolved: boolean; comments: { id: string; body: string; author: { id: string | null; name: string | null }; editedAt: string | null }[] }[];
}

/** A room with the owner and a document of one paragraph. */
async function roomWith(text: string) {
  const owner = await signUp("Owner");
  const room = await createRoom(owner.auth);
  await put(room.id, owner.auth, text);
  return { owner, room };
}

/** The first paragraph's text as a second client edits it directly in Yjs. */
function paragraphText(doc: Y.Doc): Y.XmlText {
  const paragraph = doc.getXmlFragment("default").get(0) as Y.XmlElement;
  return paragraph.get(0) as Y.XmlText;
}

describe("comment threads over REST", () => {
  it("anchors on the n-th occurrence of a quote, lists threads in document order, replies, resolves, edits and deletes", async () => {
    const { owner, room } = await roomWith("The fox saw another fox near the river.");
    const second = await comment(room.id, owner.auth, "Which fox?", { quote: "fox", occurrence: 2 });
    expect(second.status).toBe(201);
    const first = await comment(room.id, owner.auth, "Source?", { quote: "The fox" });
    expect(first.status).toBe(201);
    const { thread } = await json(first);
    expect(thread).toMatchObject({ anchor: { quote: "The fox", orphaned: false }, resolved: false, comments: [{ body: "Source?", author: { id: owner.id, name: "Owner" }, editedAt: null }] });

    // Document order, not creation order: "The fox" comes before the second "fox".
    expect((await threads(room.id, owner.auth)).map((t) => t.anchor.quote)).toEqual(["The fox", "fox"]);

    const reply = await call("POST", `/api/rooms/${room.id}/comments/${thread.id}/replies`, { auth: owner.auth, body: { body: "Wikipedia" } });
    expect(reply.status).toBe(201);
    const replyId = (await json(reply)).thread.comments[1].id;

    const edited = await call("PATCH", `/api/rooms/${room.id}/comments/${thread.id}/replies/${replyId}`, { auth: owner.auth, body: { body: "Wikipedia, 2024" } });
    expect(edited.status).toBe(200);
    expect((await json(edited)).thread.comments[1]).toMatchObject({ body: "Wikipedia, 2024", editedAt: expect.any(String) });

    expect((await call("PATCH", `/api/rooms/${room.id}/comments/${thread.id}`, { auth: owner.auth, body: { resolved: true } })).status).toBe(200);
    expect((await threads(room.id, owner.auth, "open")).map((t) => t.anchor.quote)).toEqual(["fox"]);
    expect((await threads(room.id, owner.auth, "resolved")).map((t) => t.id)).toEqual([thread.id]);
    expect((await call("PATCH", `/api/rooms/${room.id}/comments/${thread.id}`, { auth: owner.auth, body: { resolved: false } })).status).toBe(200);
    expect((await threads(room.id, owner.auth, "open")).length).toBe(2);

    // A reply goes alone; the first comment takes its thread with it.
    expect((await call("DELETE", `/api/rooms/${room.id}/comments/${thread.id}/replies/${replyId}`, { auth: owner.auth })).status).toBe(204);
    expect((await threads(room.id, owner.auth)).find((t) => t.id === thread.id)!.comments.map((c) => c.body)).toEqual(["Source?"]);
    expect((await call("DELETE", `/api/rooms/${room.id}/comments/${thread.id}/replies/${thread.comments[0].id}`, { auth: owner.auth })).status).toBe(204);
    expect((await threads(room.id, owner.auth)).map((t) => t.anchor.quote)).toEqual(["fox"]);

    // Scripts follow comments through the room's event log.
    const { events } = await json(await call("GET", `/api/rooms/${room.id}/events?types=comment.*`, { auth: owner.auth }));
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      "comment.created",
      "comment.created",
      "comment.replied",
      "comment.edited",
      "comment.resolved",
      "comment.reopened",
      "comment.deleted",
      "comment.deleted",
    ]);
    expect(events.at(-1).data).toEqual({ threadId: thread.id, commentId: thread.comments[0].id, threadDeleted: true });
  });

  it("shows authors by their current name, and a script's comments as the system's", async () => {
    const { owner, room } = await roomWith("Names change.");
    expect((await comment(room.id, owner.auth, "Mine", { quote: "Names" })).status).toBe(201);
    expect((await comment(room.id, admin, "From a script", { quote: "change" })).status).toBe(201);
    expect((await call("PATCH", `/api/users/${owner.id}`, { auth: owner.auth, body: { name: "Renamed" } })).status).toBe(200);
    const authors = (await threads(room.id, owner.auth)).map((t) => t.comments[0]!.author);
    expect(authors).toEqual([{ id: owner.id, name: "Renamed" }, { id: null, name: "Roomful" }]);
  });
});

describe("rooms stored before comments", () => {
  it("take threads on their old content (the comment tables are created when the room loads)", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    // The rows a room stored before comments existed (the same fixture as attribution's), put in place before the object starts.
    const stub = (env.ROOM as unknown as DurableObjectNamespace).getByName(room.id);
    await runInDurableObject(stub, async (_instance: unknown, state: DurableObjectState) => {
      const sql = state.storage.sql;
      expect(sql.exec("SELECT name FROM sqlite_master WHERE name LIKE 'comment%'").toArray()).toEqual([]);
      writePreAttributionRoom(sql);
    });
    const created = await comment(room.id, owner.auth, "Old words", { quote: "before attribution" });
    expect(created.status).toBe(201);
    expect((await threads(room.id, owner.auth)).map((t) => t.anchor)).toMatchObject([{ quote: "before attribution", orphaned: false }]);
  });
});

describe("comments in search", () => {
  it("a thread is found by its comments' words, by those who may view the room, until it is deleted", async () => {
    const { owner, room } = await roomWith("Quarterly figures.");
    const outsider = await signUp("Outsider");
    const search = async (auth: Auth) => (await json(await call("GET", `/api/search?q=zephyrine&type=comment`, { auth }))).results;
    const { thread } = await json(await comment(room.id, owner.auth, "A zephyrine thought", { quote: "Quarterly" }));
    expect(await search(owner.auth)).toMatchObject([{ type: "comment", roomId: room.id, id: thread.id, url: `/#/rooms/${room.id}?thread=${thread.id}` }]);
    expect(await search(outsider.auth)).toEqual([]);
    const reply = (await json(await call("POST", `/api/rooms/${room.id}/comments/${thread.id}/replies`, { auth: owner.auth, body: { body: "unrelated" } }))).thread.comments[1].id;
    await call("DELETE", `/api/rooms/${room.id}/comments/${thread.id}/replies/${reply}`, { auth: owner.auth });
    expect(await search(owner.auth)).toHaveLength(1);
    await call("DELETE", `/api/rooms/${room.id}/comments/${thread.id}/replies/${thread.comments[0].id}`, { auth: owner.auth });
    expect(await search(owner.auth)).toEqual([]);
  });
});

describe("who may comment", () => {
  it("commenters comment but cannot edit the text; viewers only read; authors alone edit; owners and admins delete", async () => {
    const { owner, room } = await roomWith("Shared words here.");
    const commenter = await signUp("Commenter");
    const viewer = await signUp("Viewer");
    const editor = await signUp("Editor");
    await addMember(owner.auth, room.id, commenter, "commenter");
    await addMember(owner.auth, room.id, viewer, "viewer");
    await addMember(owner.auth, room.id, editor, "editor");

    const access = (await json(await call("GET", `/api/rooms/${room.id}`, { auth: commenter.auth }))).access;
    expect(access).toEqual({ canView: true, canComment: true, canEdit: false, canManage: false });
    const byCommenter = await comment(room.id, commenter.auth, "A thought", { quote: "words" });
    expect(byCommenter.status).toBe(201);
    const { thread } = await json(byCommenter);
    const first = thread.comments[0].id;
    // The commenter's document socket is read-only, and REST edits are refused.
    expect((await call("PUT", `/api/rooms/${room.id}/document`, { auth: commenter.auth, rawBody: "Mine now", headers: { "content-type": "text/plain" } })).status).toBe(403);
    const live = partyClient(room.id, commenter.auth);
    const notices: string[] = [];
    (live.provider as YProvider).on("custom-message", (m: string) => notices.push(m));
    await synced(live);
    (live.provider as YProvider).sendMessage(JSON.stringify({ type: "hello" }));
    await until(() => expect(notices.map(parseRoomNotice)).toContainEqual({ type: "access", role: "viewer", readOnly: true }));
    live.close();

    expect((await threads(room.id, viewer.auth)).length).toBe(1);
    expect((await comment(room.id, viewer.auth, "Me too", { quote: "Shared" })).status).toBe(403);
    expect((await call("POST", `/api/rooms/${room.id}/comments/${thread.id}/replies`, { auth: viewer.auth, body: { body: "+1" } })).status).toBe(403);
    // Resolving is open to commenters and up, not viewers.
    expect((await call("PATCH", `/api/rooms/${room.id}/comments/${thread.id}`, { auth: viewer.auth, body: { resolved: true } })).status).toBe(403);
    expect((await call("PATCH", `/api/rooms/${room.id}/comments/${thread.id}`, { auth: commenter.auth, body: { resolved: true } })).status).toBe(200);

    // Nobody rewrites someone else's words, owners included.
    for (const who of [owner, editor]) {
      const response = await call("PATCH", `/api/rooms/${room.id}/comments/${thread.id}/replies/${first}`, { auth: who.auth, body: { body: "Put in your mouth" } });
      expect(response.status).toBe(403);
    }
    const reply = await json(await call("POST", `/api/rooms/${room.id}/comments/${thread.id}/replies`, { auth: editor.auth, body: { body: "Reply" } }));
    const replyId = reply.thread.comments[1].id;
    expect((await call("DELETE", `/api/rooms/${room.id}/comments/${thread.id}/replies/${replyId}`, { auth: commenter.auth })).status).toBe(403);
    expect((await call("DELETE", `/api/rooms/${room.id}/comments/${thread.id}/replies/${replyId}`, { auth: owner.auth })).status).toBe(204);
    expect((await call("DELETE", `/api/rooms/${room.id}/comments/${thread.id}/replies/${first}`, { auth: admin })).status).toBe(204);
    expect(await threads(room.id, owner.auth)).toEqual([]);
  });

  it("public rooms: signed-in visitors read threads, and comment only when the room allows it", async () => {
    const owner = await signUp("Owner");
    const visitor = await signUp("Visitor");
    const room = await createRoom(owner.auth, { visibility: "public" });
    await put(room.id, owner.auth, "Open to all.");
    expect((await comment(room.id, owner.auth, "Owner note", { quote: "Open" })).status).toBe(201);
    expect((await threads(room.id, visitor.auth)).length).toBe(1);
    expect((await call("GET", `/api/rooms/${room.id}/comments`)).status).toBe(404);
    expect((await comment(room.id, visitor.auth, "Visitor note", { quote: "all" })).status).toBe(403);
    expect((await call("PATCH", `/api/rooms/${room.id}`, { auth: owner.auth, body: { openCommenting: true } })).status).toBe(200);
    expect((await comment(room.id, visitor.auth, "Visitor note", { quote: "all" })).status).toBe(201);
  });
});

describe("anchors follow their text", () => {
  it("through a second client's inserts and deletes before, at the edges of and inside the range, until the text is gone", async () => {
    const { owner, room } = await roomWith("Alpha beta gamma delta.");
    const { thread } = await json(await comment(room.id, owner.auth, "Check this", { quote: "beta gamma" }));
    const quote = async () => (await threads(room.id, owner.auth)).find((t) => t.id === thread.id)!.anchor;

    const editor = partyClient(room.id, owner.auth);
    await synced(editor);
    const text = paragraphText(editor.doc);
    const expectQuote = (expected: { quote: string; orphaned: boolean }) => until(async () => expect(await quote()).toEqual(expect.objectContaining(expected)));

    text.insert(0, "Before. "); // before the range
    await expectQuote({ quote: "beta gamma", orphaned: false });
    text.insert(text.toString().indexOf("beta"), "just "); // right at its start: stays outside
    text.insert(text.toString().indexOf("gamma") + "gamma".length, "!"); // right at its end: stays outside
    await expectQuote({ quote: "beta gamma", orphaned: false });
    text.insert(text.toString().indexOf("gamma"), "and "); // inside
    await expectQuote({ quote: "beta and gamma", orphaned: false });
    text.delete(text.toString().indexOf("beta"), "beta ".length); // part of it
    await expectQuote({ quote: "and gamma", orphaned: false });
    text.delete(text.toString().indexOf("and gamma"), "and gamma".length); // all of it
    // Orphaned: shown apart with the last text it had, never lost.
    await expectQuote({ quote: "and gamma", orphaned: true });
    expect(text.toString()).toBe("Before. Alpha just ! delta.");
    editor.close();
  });

  it("follows an undo of the deletion back to the text, for the other replicas too", async () => {
    const { owner, room } = await roomWith("Keep this sentence.");
    const { thread } = await json(await comment(room.id, owner.auth, "Note", { quote: "this" }));
    const editor = partyClient(room.id, owner.auth);
    await synced(editor);
    const text = paragraphText(editor.doc);
    const undo = new Y.UndoManager(text);
    text.delete(0, text.length);
    undo.stopCapturing();
    const anchor = async () => (await threads(room.id, owner.auth)).find((t) => t.id === thread.id)!.anchor;
    await until(async () => expect((await anchor()).orphaned).toBe(true));
    undo.undo();
    await until(async () => expect(await anchor()).toMatchObject({ quote: "this", orphaned: false }));
    // The paragraph itself deleted and brought back: found again by a quote that appears once.
    const long = (await json(await comment(room.id, owner.auth, "Long", { quote: "this sentence" }))).thread.id;
    const fragment = editor.doc.getXmlFragment("default");
    const blocks = new Y.UndoManager(fragment);
    fragment.delete(0, fragment.length);
    blocks.stopCapturing();
    const longAnchor = async () => (await threads(room.id, owner.auth)).find((t) => t.id === long)!.anchor;
    await until(async () => expect((await longAnchor()).orphaned).toBe(true));
    blocks.undo();
    await until(async () => expect(await longAnchor()).toMatchObject({ quote: "this sentence", orphaned: false }));
    editor.close();
  });

  it("a restore keeps threads: one whose text it removes is orphaned, and a later restore that brings the text back re-anchors it", async () => {
    const { owner, room } = await roomWith("Alpha beta.");
    const snapshot = async () => (await json(await call("POST", `/api/rooms/${room.id}/snapshots`, { auth: owner.auth, body: {} }))).snapshot.id as string;
    const restore = async (id: string) => expect((await call("POST", `/api/rooms/${room.id}/snapshots/${id}/restore`, { auth: owner.auth })).status).toBe(200);
    const v1 = await snapshot();
    await call("POST", `/api/rooms/${room.id}/document/append`, { auth: owner.auth, rawBody: "Gamma delta epsilon.", headers: { "content-type": "text/plain" } });
    const v2 = await snapshot();
    const kept = (await json(await comment(room.id, owner.auth, "On alpha", { quote: "Alpha" }))).thread.id;
    const removed = (await json(await comment(room.id, owner.auth, "On delta", { quote: "delta epsilon" }))).thread.id;

    await restore(v1);
    const afterFirst = await threads(room.id, owner.auth);
    expect(afterFirst.find((t) => t.id === kept)!.anchor).toMatchObject({ quote: "Alpha", orphaned: false });
    expect(afterFirst.find((t) => t.id === removed)!.anchor).toMatchObject({ quote: "delta epsilon", orphaned: true });

    await restore(v2);
    const afterSecond = await threads(room.id, owner.auth);
    expect(afterSecond.find((t) => t.id === removed)!.anchor).toMatchObject({ quote: "delta epsilon", orphaned: false });
    expect(afterSecond.find((t) => t.id === kept)!.anchor).toMatchObject({ quote: "Alpha", orphaned: false });
  });
});

describe("live", () => {
  it("a thread posted, answered, resolved and deleted over REST reaches every open client as it happens", async () => {
    const { owner, room } = await roomWith("Live words.");
    const client = partyClient(room.id, owner.auth);
    const received: string[] = [];
    (client.provider as YProvider).on("custom-message", (m: string) => received.push(m));
    await synced(client);
    (client.provider as YProvider).sendMessage(JSON.stringify({ type: "hello" }));
    const notices = () => received.map(parseRoomNotice).filter((n): n is RoomNotice => n !== null && n.type.startsWith("comment"));

    const { thread } = await json(await comment(room.id, owner.auth, "Hello", { quote: "Live" }));
    await until(() => expect(notices()).toContainEqual({ type: "comment-thread", thread: expect.objectContaining({ id: thread.id, anchor: expect.objectContaining({ quote: "Live" }) }) }), 1000);
    await call("POST", `/api/rooms/${room.id}/comments/${thread.id}/replies`, { auth: owner.auth, body: { body: "Again" } });
    await until(() => expect(notices().at(-1)).toMatchObject({ type: "comment-thread", thread: { comments: [{ body: "Hello" }, { body: "Again" }] } }), 1000);
    await call("PATCH", `/api/rooms/${room.id}/comments/${thread.id}`, { auth: owner.auth, body: { resolved: true } });
    await until(() => expect(notices().at(-1)).toMatchObject({ type: "comment-thread", thread: { resolved: true } }), 1000);
    await call("DELETE", `/api/rooms/${room.id}/comments/${thread.id}/replies/${thread.comments[0].id}`, { auth: owner.auth });
    await until(() => expect(notices().at(-1)).toEqual({ type: "comment-thread-deleted", threadId: thread.id }), 1000);
    client.close();
  });

  it("a client's own selection, sent as Yjs relative positions, anchors a thread", async () => {
    const { owner, room } = await roomWith("Select me please.");
    const client = partyClient(room.id, owner.auth);
    await synced(client);
    const text = paragraphText(client.doc);
    const encode = (index: number, assoc: number) => btoa(String.fromCharCode(...Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index, assoc))));
    const response = await comment(room.id, owner.auth, "Selected", { start: encode(7, 0), end: encode(9, -1) });
    expect(response.status).toBe(201);
    expect((await json(response)).thread.anchor).toMatchObject({ quote: "me", orphaned: false });
    client.close();
  });
});

describe("hostile input", () => {
  it("refuses bad bodies, quotes, anchors and ids with a clear 4xx and stores nothing", async () => {
    const { owner, room } = await roomWith("Some text to quote.");
    const other = await roomWith("Another room.");
    const otherThread = (await json(await comment(other.room.id, other.owner.auth, "Elsewhere", { quote: "Another" }))).thread.id;
    const cases: [string, () => Promise<Response>, number, string][] = [
      ["empty body", () => comment(room.id, owner.auth, "   ", { quote: "Some" }), 400, "validation_failed"],
      ["oversized body", () => comment(room.id, owner.auth, "x".repeat(4001), { quote: "Some" }), 400, "validation_failed"],
      ["a 10,000-character quote", () => comment(room.id, owner.auth, "Long", { quote: "q".repeat(10_000) }), 400, "validation_failed"],
      ["a quote not in the document", () => comment(room.id, owner.auth, "Where?", { quote: "absent words" }), 422, "anchor_not_found"],
      ["an occurrence past the last", () => comment(room.id, owner.auth, "Where?", { quote: "text", occurrence: 2 }), 422, "anchor_not_found"],
      ["positions that are not Yjs positions", () => comment(room.id, owner.auth, "Bad", { start: btoa("garbage"), end: btoa("more") }), 422, "anchor_not_found"],
      ["positions that are not base64", () => comment(room.id, owner.auth, "Bad", { start: "%%%", end: "%%%" }), 400, "validation_failed"],
      ["both kinds of anchor", () => comment(room.id, owner.auth, "Bad", { quote: "Some", start: "AA==", end: "AA==" }), 400, "validation_failed"],
      ["an unknown thread", () => call("POST", `/api/rooms/${room.id}/comments/${crypto.randomUUID()}/replies`, { auth: owner.auth, body: { body: "Hi" } }), 404, "not_found"],
      ["a thread of another room", () => call("POST", `/api/rooms/${room.id}/comments/${otherThread}/replies`, { auth: owner.auth, body: { body: "Hi" } }), 404, "not_found"],
      ["a thread id that is no id", () => call("PATCH", `/api/rooms/${room.id}/comments/not-an-id`, { auth: owner.auth, body: { resolved: true } }), 400, "validation_failed"],
      ["a bad status", () => call("GET", `/api/rooms/${room.id}/comments?status=everything`, { auth: owner.auth }), 400, "validation_failed"],
    ];
    for (const [name, send, status, code] of cases) {
      const response = await send();
      expect({ name, status: response.status }).toEqual({ name, status });
      expect({ name, code: (await json(response)).error.code }).toEqual({ name, code });
    }
    expect(await threads(room.id, owner.auth)).toEqual([]);
    expect((await threads(other.room.id, other.owner.auth)).map((t) => t.comments.length)).toEqual([1]);
  });

  it("bounds what one room holds: threads, comments per thread and their bytes (vitest.config.ts sets small caps)", async () => {
    const { owner, room } = await roomWith("Bounded words.");
    const { thread } = await json(await comment(room.id, owner.auth, "1", { quote: "Bounded" }));
    for (let i = 2; i <= 5; i++) expect((await call("POST", `/api/rooms/${room.id}/comments/${thread.id}/replies`, { auth: owner.auth, body: { body: String(i) } })).status).toBe(201);
    const sixth = await call("POST", `/api/rooms/${room.id}/comments/${thread.id}/replies`, { auth: owner.auth, body: { body: "6" } });
    expect(sixth.status).toBe(409);
    expect((await json(sixth)).error.code).toBe("limit_reached");
    // 65,536 bytes of text per room: 16 comments of 4,000 characters fit, the 17th does not
    // (written by a script on the admin token, which the per-person write budget leaves alone).
    const big = "w".repeat(4000);
    let refused: Response | null = null;
    for (let i = 0; i < 19 && !refused; i++) {
      const response = await comment(room.id, admin, big, { quote: "words" });
      if (response.status !== 201) refused = response;
    }
    expect(refused?.status).toBe(409);
    const stored = await threads(room.id, owner.auth);
    expect(stored.reduce((n, t) => n + t.comments.reduce((m, c) => m + c.body.length, 0), 0)).toBeLessThanOrEqual(65536);
  });

  it("budgets each person's comment writes per room, as chat does", async () => {
    const { owner, room } = await roomWith("Fast words.");
    const { thread } = await json(await comment(room.id, owner.auth, "Start", { quote: "Fast" }));
    const statuses: number[] = [];
    let limited: Response | null = null;
    for (let i = 0; i < 12; i++) {
      const response = await call("POST", `/api/rooms/${room.id}/comments/${thread.id}/replies`, { auth: owner.auth, body: { body: `r${i}` } });
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
    }
    // 10 at once (the thread's first comment took one), then 2 per second.
    expect(statuses.slice(0, 9).every((s) => s === 201 || s === 409)).toBe(true);
    expect(limited).not.toBeNull();
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await json(limited!)).error.code).toBe("rate_limited");
  });
});
