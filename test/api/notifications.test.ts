// Mentions, the inbox, unread chat counts and the delayed email digest (src/api/notifications/,
// src/core/notifications.ts, src/presence/reads.ts), through the real queue and presence object.
// vitest.config.ts sets NOTIFY_DELAY_SECONDS to 1.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, type Auth, call, json, signUp, type TestUser } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { ChatSocket, eventually } from "../helpers/ws-chat.ts";
import * as Y from "yjs";
import { partyClient, synced } from "../helpers/yjs-clients.ts";
import { unsubscribeToken, verifyUnsubscribeToken } from "../../src/api/notifications/unsubscribe-token.ts";

const DELAY_MS = 1000;

async function post(roomId: string, auth: Auth, body: string) {
  const response = await call("POST", `/api/rooms/${roomId}/messages`, { auth, body: { body } });
  expect(response.status).toBe(201);
  return (await json(response)).message as { id: string; seq: number };
}

async function inbox(auth: Auth, query = "") {
  const response = await call("GET", `/api/inbox${query}`, { auth });
  expect(response.status).toBe(200);
  return json(response);
}

/** Notification mail in the outbox for this address (not the welcome email). */
async function mailTo(user: TestUser) {
  const { mail } = await json(await call("GET", "/api/outbox?limit=100", { auth: admin }));
  type Mail = { to: string; subject: string; text: string; headers: Record<string, string> | null };
  return (mail as Mail[]).filter((m) => m.to === user.email && m.subject !== "Welcome to Roomful");
}

/** Makes `user` a member directly in D1: no invitation, so no notification to start with. */
async function join(roomId: string, user: TestUser, role: string) {
  await env.DB.prepare("INSERT INTO room_members (room_id, user_id, role, created_at) VALUES (?, ?, ?, ?)").bind(roomId, user.id, role, Date.now()).run();
}

/** Alice owns a private room with Bob as an editor; Carol exists but is no member. */
async function world() {
  const alice = await signUp("Alice");
  const bob = await signUp("Bob");
  const carol = await signUp("Carol");
  const room = await createRoom(alice.auth, { name: "Plans" });
  await join(room.id, bob, "editor");
  return { alice, bob, carol, room };
}

/** Waits for the digest window to pass and the queue to run it. */
const afterDelay = () => new Promise((resolve) => setTimeout(resolve, DELAY_MS + 1500));

describe("mentions", () => {
  it("notify people who may view the room, and nobody else (non-members, unknown ids, the author)", async () => {
    const { alice, bob, carol, room } = await world();
    const message = await post(room.id, alice.auth, `Hi <@${bob.id}>, <@${carol.id}>, <@${crypto.randomUUID()}> and me <@${alice.id}>`);
    await eventually(async () => (await inbox(bob.auth)).unreadCount).toBe(1);
    const { notifications } = await inbox(bob.auth);
    expect(notifications[0]).toMatchObject({
      kind: "mention",
      roomId: room.id,
      roomName: "Plans",
      actor: { id: alice.id, name: "Alice" },
      excerpt: `Hi @Bob, @Carol, @someone and me @Alice`,
      url: `/#/rooms/${room.id}?message=${message.id}&seq=${message.seq}`,
      readAt: null,
    });
    // Carol is not told (and nothing in the answer to Alice says whether Carol exists).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await inbox(carol.auth)).notifications).toEqual([]);
    expect((await inbox(alice.auth)).notifications).toEqual([]);
  });

  it("refuses more than 20 mentions in one message, and a deleted account is never notified", async () => {
    const { alice, bob, room } = await world();
    const many = Array.from({ length: 21 }, () => `<@${crypto.randomUUID()}>`).join(" ");
    const refused = await call("POST", `/api/rooms/${room.id}/messages`, { auth: alice.auth, body: { body: many } });
    expect(refused.status).toBe(400);
    const gone = await signUp("Gone");
    await join(room.id, gone, "viewer");
    const deleted = await call("DELETE", `/api/users/${gone.id}`, { auth: admin });
    expect(deleted.status).toBe(204);
    await post(room.id, alice.auth, `<@${gone.id}> and <@${bob.id}>`);
    await eventually(async () => (await inbox(bob.auth)).unreadCount).toBe(1);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE user_id = ?").bind(gone.id).first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });

  it("in comments: the mentioned and, for a reply, the thread's other authors", async () => {
    const { alice, bob, room } = await world();
    await call("PUT", `/api/rooms/${room.id}/document`, { auth: alice.auth, rawBody: "Budget draft.", headers: { "content-type": "text/plain" } });
    const created = await json(await call("POST", `/api/rooms/${room.id}/comments`, { auth: alice.auth, body: { body: `<@${bob.id}> check this`, anchor: { quote: "Budget" } } }));
    await eventually(async () => (await inbox(bob.auth)).notifications.map((n: { kind: string }) => n.kind)).toEqual(["mention"]);
    expect((await inbox(bob.auth)).notifications[0].url).toBe(`/#/rooms/${room.id}?thread=${created.thread.id}`);
    await call("POST", `/api/rooms/${room.id}/comments/${created.thread.id}/replies`, { auth: bob.auth, body: { body: "Done" } });
    await eventually(async () => (await inbox(alice.auth)).notifications.map((n: { kind: string; excerpt: string }) => [n.kind, n.excerpt])).toEqual([["reply", "Done"]]);
  });
});

describe("mentions in the document", () => {
  it("a mention node an editor adds notifies whom it names once, and exports as @Name", async () => {
    const { alice, bob, carol, room } = await world();
    const client = partyClient(room.id, alice.auth);
    await synced(client);
    const fragment = client.doc.getXmlFragment("default");
    const paragraph = new Y.XmlElement("paragraph");
    const text = new Y.XmlText();
    text.insert(0, "Hello ");
    paragraph.insert(0, [text]);
    const mention = (user: TestUser) => {
      const node = new Y.XmlElement("mention");
      node.setAttribute("id", user.id);
      node.setAttribute("label", user.name);
      return node;
    };
    client.doc.transact(() => {
      fragment.insert(0, [paragraph]);
      paragraph.insert(1, [mention(bob), mention(carol)]);
    });
    await eventually(async () => (await inbox(bob.auth)).notifications.map((n: { kind: string; excerpt: string; url: string }) => [n.kind, n.excerpt, n.url])).toEqual([
      ["mention", "Hello @Bob@Carol", `/#/rooms/${room.id}?block=0`],
    ]);
    // Carol may not view this private room: not notified.
    expect((await inbox(carol.auth)).notifications).toEqual([]);
    const exported = await call("GET", `/api/rooms/${room.id}/document?format=markdown`, { auth: alice.auth });
    expect((await exported.text()).trim()).toBe("Hello @Bob@Carol");
    const html = await (await call("GET", `/api/rooms/${room.id}/document?format=html`, { auth: alice.auth })).text();
    expect(html).toContain(`data-id="${bob.id}"`);
    // Editing elsewhere does not notify again.
    text.insert(0, "Oh. ");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await inbox(bob.auth)).notifications).toHaveLength(1);
    client.close();
  });
});

describe("the inbox", () => {
  it("pages newest first and keeps read state per notification, only for its owner", async () => {
    const { alice, bob, carol, room } = await world();
    for (let i = 1; i <= 5; i++) await post(room.id, alice.auth, `Note ${i} for <@${bob.id}>`);
    await eventually(async () => (await inbox(bob.auth)).unreadCount).toBe(5);
    const first = await inbox(bob.auth, "?unread=true&limit=2");
    expect(first.notifications.map((n: { excerpt: string }) => n.excerpt)).toEqual(["Note 5 for @Bob", "Note 4 for @Bob"]);
    const second = await inbox(bob.auth, `?unread=true&limit=2&cursor=${first.nextCursor}`);
    expect(second.notifications.map((n: { excerpt: string }) => n.excerpt)).toEqual(["Note 3 for @Bob", "Note 2 for @Bob"]);

    // Someone else's ids change nothing.
    expect((await json(await call("POST", "/api/inbox/read", { auth: carol.auth, body: { ids: [first.notifications[0].id] } }))).unreadCount).toBe(0);
    expect((await inbox(bob.auth)).unreadCount).toBe(5);
    const read = await json(await call("POST", "/api/inbox/read", { auth: bob.auth, body: { ids: [first.notifications[0].id] } }));
    expect(read.unreadCount).toBe(4);
    expect((await inbox(bob.auth, "?unread=true")).notifications).toHaveLength(4);
    expect((await json(await call("POST", "/api/inbox/read", { auth: bob.auth, body: { all: true } }))).unreadCount).toBe(0);
    expect((await call("POST", "/api/inbox/read", { auth: bob.auth, body: { ids: [] } })).status).toBe(400);
    expect((await call("GET", "/api/inbox?limit=1000", { auth: bob.auth })).status).toBe(400);
  });

  it("tells every tab of the user the new count over the chat socket", async () => {
    const { alice, bob, room } = await world();
    const tabs = [await ChatSocket.open(bob.auth), await ChatSocket.open(bob.auth)];
    await post(room.id, alice.auth, `Ping <@${bob.id}>`);
    for (const tab of tabs) await tab.next((f) => f.type === "inbox" && f.unreadCount === 1);
    await call("POST", "/api/inbox/read", { auth: bob.auth, body: { all: true } });
    for (const tab of tabs) await tab.next((f) => f.type === "inbox" && f.unreadCount === 0);
    for (const tab of tabs) tab.close();
  });

  it("goes with the room and with the user", async () => {
    const { alice, bob, room } = await world();
    await post(room.id, alice.auth, `Bye <@${bob.id}>`);
    await eventually(async () => (await inbox(bob.auth)).unreadCount).toBe(1);
    expect((await call("DELETE", `/api/rooms/${room.id}`, { auth: alice.auth })).status).toBe(204);
    expect((await inbox(bob.auth)).notifications.filter((n: { roomId: string }) => n.roomId === room.id)).toEqual([]);
    const other = await createRoom(alice.auth);
    await addMember(alice.auth, other.id, bob, "viewer");
    await post(other.id, alice.auth, `Again <@${bob.id}>`);
    await eventually(async () => (await inbox(bob.auth)).notifications.map((n: { kind: string }) => n.kind).sort()).toEqual(["invitation", "mention"]);
    expect((await call("DELETE", `/api/users/${bob.id}`, { auth: admin })).status).toBe(204);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE user_id = ?").bind(bob.id).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });
});

describe("unread chat", () => {
  it("counts others' messages after the read mark, the same across a user's sockets, and marks read everywhere", async () => {
    const { alice, bob, room } = await world();
    const unread = async (auth: Auth) => (await json(await call("GET", "/api/rooms", { auth }))).rooms.find((r: { id: string }) => r.id === room.id).unread;
    const tabs = [await ChatSocket.open(bob.auth), await ChatSocket.open(bob.auth)];
    await post(room.id, alice.auth, "one");
    await post(room.id, alice.auth, "two");
    const last = await post(room.id, alice.auth, "three");
    expect(await unread(bob.auth)).toBe(3);
    // Your own messages are never unread.
    expect(await unread(alice.auth)).toBe(0);
    const marked = await json(await call("POST", `/api/rooms/${room.id}/read`, { auth: bob.auth, body: { seq: last.seq } }));
    expect(marked.seq).toBe(last.seq);
    for (const tab of tabs) await tab.next((f) => f.type === "read" && f.seq === last.seq);
    expect(await unread(bob.auth)).toBe(0);
    // Never backwards.
    expect((await json(await call("POST", `/api/rooms/${room.id}/read`, { auth: bob.auth, body: { seq: 1 } }))).seq).toBe(last.seq);
    await post(room.id, alice.auth, "four");
    expect(await unread(bob.auth)).toBe(1);
    for (const tab of tabs) tab.close();
  });
});

describe("email that knows where you are", () => {
  it("away: one digest per delay window with every notification; in the room: nothing", async () => {
    const { alice, bob, room } = await world();
    // Alice looks at the room; Bob is away.
    const alicesTab = await ChatSocket.open(alice.auth);
    alicesTab.send({ type: "view", room: room.id });
    await alicesTab.next((f) => f.type === "presence" || f.type === "welcome");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await post(room.id, bob.auth, `<@${alice.id}> look`);
    await post(room.id, alice.auth, `<@${bob.id}> first`);
    await post(room.id, alice.auth, `<@${bob.id}> second`);
    await afterDelay();
    await eventually(async () => (await mailTo(bob)).map((m) => m.subject)).toEqual(["2 new notifications on Roomful"]);
    const [digest] = await mailTo(bob);
    expect(digest!.subject).toBe("2 new notifications on Roomful");
    expect(digest!.text).toContain("@Bob first");
    expect(digest!.text).toContain("@Bob second");
    expect(digest!.headers).toMatchObject({ "List-Unsubscribe": expect.stringMatching(/^<http.*\/api\/unsubscribe\?token=.+>$/), "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
    // Alice was in the room when she was mentioned: no email.
    expect(await mailTo(alice)).toEqual([]);
    alicesTab.close();
  });

  it("no email when the notification is read, or the room opened, before the delay ends", async () => {
    const { alice, bob, carol, room } = await world();
    await post(room.id, alice.auth, `<@${bob.id}> read me`);
    await eventually(async () => (await inbox(bob.auth)).unreadCount).toBe(1);
    await call("POST", "/api/inbox/read", { auth: bob.auth, body: { all: true } });
    await join(room.id, carol, "viewer");
    await post(room.id, alice.auth, `<@${carol.id}> open the room`);
    await eventually(async () => (await inbox(carol.auth)).notifications.some((n: { kind: string }) => n.kind === "mention")).toBe(true);
    const carolsTab = await ChatSocket.open(carol.auth);
    carolsTab.send({ type: "view", room: room.id });
    await new Promise((resolve) => setTimeout(resolve, 200));
    carolsTab.close();
    await afterDelay();
    expect(await mailTo(bob)).toEqual([]);
    expect(await mailTo(carol)).toEqual([]);
  });

  it("lists at most 50 items in a digest and sums up the rest with a link", async () => {
    const { bob, room } = await world();
    // A script on the admin token is not rate limited: 55 mentions inside one window.
    await Promise.all(Array.from({ length: 55 }, (_, i) => post(room.id, admin, `Item ${i} for <@${bob.id}>`)));
    await eventually(async () => (await inbox(bob.auth)).unreadCount).toBe(55);
    await afterDelay();
    await eventually(async () => (await mailTo(bob)).length).toBe(1);
    const [digest] = await mailTo(bob);
    expect(digest!.subject).toBe("55 new notifications on Roomful");
    expect(digest!.text.match(/^- /gm)).toHaveLength(50);
    expect(digest!.text).toContain("…and 5 more: http://localhost:3000/#/inbox");
  });

  it("honours a muted room and the notify preference", async () => {
    const { alice, bob, carol, room } = await world();
    expect((await call("PUT", `/api/rooms/${room.id}/mute`, { auth: bob.auth })).status).toBe(204);
    expect((await json(await call("GET", `/api/rooms/${room.id}`, { auth: bob.auth }))).muted).toBe(true);
    expect((await json(await call("GET", `/api/rooms/${room.id}`, { auth: alice.auth }))).muted).toBe(false);
    await post(room.id, alice.auth, `<@${bob.id}> muted`);
    await join(room.id, carol, "editor");
    expect((await call("PATCH", `/api/users/${carol.id}`, { auth: carol.auth, body: { notify: "none" } })).status).toBe(200);
    await post(room.id, alice.auth, `<@${carol.id}> silenced`);
    await eventually(async () => (await inbox(carol.auth)).notifications.some((n: { kind: string }) => n.kind === "mention")).toBe(true);
    await afterDelay();
    expect(await mailTo(bob)).toEqual([]);
    expect(await mailTo(carol)).toEqual([]);
    // Both still have them in the inbox.
    expect((await inbox(bob.auth)).unreadCount).toBe(1);
    expect((await call("DELETE", `/api/rooms/${room.id}/mute`, { auth: bob.auth })).status).toBe(204);
  });
});

describe("unsubscribe links", () => {
  it("a valid link turns emails off without signing in; tampered and expired links are refused", async () => {
    const { bob } = await world();
    const token = await unsubscribeToken(env as never, bob.id);
    expect((await call("GET", `/api/unsubscribe?token=${token}`)).status).toBe(200);
    // GET changes nothing (mail scanners prefetch links).
    expect((await json(await call("GET", `/api/users/${bob.id}`, { auth: bob.auth }))).user.notify).toBe("all");
    const tampered = token.replace(/^./, (ch) => (ch === "a" ? "b" : "a"));
    const bad = await call("POST", `/api/unsubscribe?token=${tampered}`);
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe("invalid_token");
    const expired = await unsubscribeToken(env as never, bob.id, Date.now() - 61 * 86_400_000);
    expect(await verifyUnsubscribeToken(env as never, expired)).toBeNull();
    expect((await call("POST", `/api/unsubscribe?token=${expired}`)).status).toBe(400);
    expect((await call("POST", `/api/unsubscribe?token=${token}`, { rawBody: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded" } })).status).toBe(200);
    expect((await json(await call("GET", `/api/users/${bob.id}`, { auth: bob.auth }))).user.notify).toBe("none");
  });
});
