// Chat on the global Presence object: channels, history, permissions, limits, bad frames.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Presence } from "../../src/presence/presence.ts";
import { presenceStub } from "../../src/presence/stub.ts";
import { type ChatMessage, MAX_MESSAGE_CHARS, roomChannel, type ServerFrame } from "../../src/shared/chat-protocol.ts";
import { admin, call, json, signUp, type Auth } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { ChatSocket, errorWith, eventually, messageWith } from "../helpers/ws-chat.ts";

type Msg = Extract<ServerFrame, { type: "message" }>;
type Page = { messages: ChatMessage[]; nextBefore: number | null };

const subscribed = ChatSocket.subscribed;

async function post(auth: Auth, roomId: string, body: string): Promise<Response> {
  return call("POST", `/api/rooms/${roomId}/messages`, { auth, body: { body } });
}

async function page(auth: Auth, roomId: string, query = ""): Promise<Page> {
  const response = await call("GET", `/api/rooms/${roomId}/messages${query}`, { auth });
  expect(response.status).toBe(200);
  return json(response);
}

describe("messages", () => {
  it("gives each message a server id, seq and timestamp, broadcasts it, and pages history with before + limit", async () => {
    const ada = await signUp("Ada");
    const bob = await signUp("Bob");
    const room = await createRoom(ada.auth, { visibility: "public" });
    const channel = roomChannel(room.id);
    const a = await subscribed(ada.auth, channel);
    const b = await subscribed(bob.auth, channel);

    for (const n of [1, 2, 3, 4, 5]) a.send({ type: "send", channel, body: `m${n}`, nonce: `n${n}` });
    const own = await a.next<Msg>(messageWith("m5"));
    expect(own.nonce).toBe("n5");
    const seen = await b.next<Msg>(messageWith("m5"));
    expect(seen.nonce).toBeUndefined();
    expect(seen.message).toMatchObject({ channel, userId: ada.id, userName: "Ada", editedAt: null });
    expect(seen.message.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(seen.message.createdAt)).toBeGreaterThan(Date.now() - 60_000);

    const first = await page(bob.auth, room.id, "?limit=2");
    expect(first.messages.map((m) => m.body)).toEqual(["m4", "m5"]);
    const second = await page(bob.auth, room.id, `?limit=2&before=${first.nextBefore}`);
    expect(second.messages.map((m) => m.body)).toEqual(["m2", "m3"]);
    const last = await page(bob.auth, room.id, `?limit=2&before=${second.nextBefore}`);
    expect(last.messages.map((m) => m.body)).toEqual(["m1"]);
    expect(last.nextBefore).toBeNull();

    // The same pages over the socket.
    b.send({ type: "history", channel, before: first.nextBefore!, limit: 3 });
    const history = await b.next<Extract<ServerFrame, { type: "history" }>>((f) => f.type === "history");
    expect(history.messages.map((m) => m.body)).toEqual(["m1", "m2", "m3"]);
    expect((await call("GET", `/api/rooms/${room.id}/messages?limit=500`, { auth: bob.auth })).status).toBe(400);
    a.close();
    b.close();
  });

  it("keeps messages across a restart of the object", async () => {
    const ada = await signUp("Ada");
    const room = await createRoom(ada.auth, { visibility: "private" });
    expect((await post(ada.auth, room.id, "before the restart")).status).toBe(201);
    await evictDurableObject(presenceStub(env));
    const after = await page(ada.auth, room.id);
    expect(after.messages.map((m) => m.body)).toEqual(["before the restart"]);
    const socket = await subscribed(ada.auth, roomChannel(room.id));
    const frame = socket.frames.find((f) => f.type === "subscribed") as Extract<ServerFrame, { type: "subscribed" }>;
    expect(frame.messages.map((m) => m.body)).toEqual(["before the restart"]);
    socket.close();
  });

  it("shows a message posted over REST (e.g. by an admin script) on subscribed sockets", async () => {
    const ada = await signUp("Ada");
    const room = await createRoom(ada.auth, { visibility: "private" });
    const a = await subscribed(ada.auth, roomChannel(room.id));
    const response = await post(admin, room.id, "deploy finished");
    expect(response.status).toBe(201);
    const { message } = await json(response);
    const live = await a.next<Msg>(messageWith("deploy finished"));
    expect(live.message).toEqual(message);
    // The bootstrap admin token is the system speaking, never a person (not even one called "Admin").
    expect(message).toMatchObject({ userId: null, userName: "Roomful", authorKind: "system" });

    const own = await post(ada.auth, room.id, "thanks");
    expect((await json(own)).message).toMatchObject({ userId: ada.id, userName: "Ada", authorKind: "user" });
    await a.next(messageWith("thanks"));
    a.close();
  });

  it("keeps only the newest messages of a channel, trimming in the same transaction as the insert", async () => {
    const ada = await signUp("Ada");
    const room = await createRoom(ada.auth, { visibility: "public" });
    await runInDurableObject(presenceStub(env), (instance: Presence) => {
      instance.messages.historyLimit = 3;
    });
    try {
      for (const n of [1, 2, 3, 4, 5]) expect((await post(admin, room.id, `r${n}`)).status).toBe(201);
      expect((await page(ada.auth, room.id)).messages.map((m) => m.body)).toEqual(["r3", "r4", "r5"]);
      const stored = await runInDurableObject(presenceStub(env), (instance: Presence) => instance.messages.count(roomChannel(room.id)));
      expect(stored).toBe(3);
    } finally {
      await runInDurableObject(presenceStub(env), (instance: Presence) => {
        instance.messages.historyLimit = 10_000;
      });
    }
  });
});

describe("room deletion", () => {
  it("drops a deleted room's channel: history gone, subscribers told", async () => {
    const ada = await signUp("Ada");
    const room = await createRoom(ada.auth, { visibility: "public" });
    const channel = roomChannel(room.id);
    expect((await post(ada.auth, room.id, "soon gone")).status).toBe(201);
    const a = await subscribed(ada.auth, channel);
    await runInDurableObject(presenceStub(env), (instance: Presence) => instance.dropChannel(channel));
    await a.next((f) => f.type === "unsubscribed" && f.channel === channel);
    expect((await page(ada.auth, room.id)).messages).toEqual([]);
    a.close();
  });
});

describe("channel authorization", () => {
  it("keeps a private room's channel to its members, over the socket and over REST", async () => {
    const owner = await signUp("Olga");
    const member = await signUp("Mia");
    const outsider = await signUp("Xavier");
    const room = await createRoom(owner.auth, { visibility: "private" });
    await addMember(owner.auth, room.id, member, "viewer");
    const channel = roomChannel(room.id);
    const o = await subscribed(owner.auth, channel);

    const x = await ChatSocket.open(outsider.auth);
    x.send({ type: "subscribe", channel });
    await x.next(errorWith("not_found"));
    x.send({ type: "send", channel, body: "let me in", nonce: "x1" });
    await x.next(errorWith("not_found", "x1"));
    x.send({ type: "history", channel });
    await x.next(errorWith("not_subscribed"));
    expect((await call("GET", `/api/rooms/${room.id}/messages`, { auth: outsider.auth })).status).toBe(404);
    expect((await post(outsider.auth, room.id, "let me in")).status).toBe(404);
    expect((await call("GET", `/api/rooms/${room.id}/messages`)).status).toBe(404);

    const m = await subscribed(member.auth, channel);
    m.send({ type: "send", channel, body: "hello from a viewer" });
    await o.next(messageWith("hello from a viewer"));

    // A removed member leaves the channel at once (no more messages reach them), and is
    // refused at their next send, without reconnecting.
    expect((await call("DELETE", `/api/rooms/${room.id}/members/${member.id}`, { auth: owner.auth })).status).toBe(204);
    await m.next((f) => f.type === "unsubscribed" && f.channel === channel);
    m.send({ type: "send", channel, body: "still a member?", nonce: "m2" });
    await m.next(errorWith("not_found", "m2"));

    o.send({ type: "send", channel, body: "sync" });
    await o.next(messageWith("sync"));
    expect(o.all(messageWith("let me in"))).toEqual([]);
    expect(o.all(messageWith("still a member?"))).toEqual([]);
    expect(m.all(messageWith("sync"))).toEqual([]);
    expect(x.frames.some((f) => f.type === "message")).toBe(false);
    for (const s of [o, x, m]) s.close();
  });
});

describe("access changes reach open chat sockets", () => {
  it("making a public room private drops outsiders from its channel at once", async () => {
    const owner = await signUp("Olive");
    const passerby = await signUp("Pat");
    const room = await createRoom(owner.auth, { visibility: "public" });
    const channel = roomChannel(room.id);
    const o = await subscribed(owner.auth, channel);
    const p = await subscribed(passerby.auth, channel);
    expect((await call("PATCH", `/api/rooms/${room.id}`, { auth: owner.auth, body: { visibility: "private" } })).status).toBe(200);
    await p.next((f) => f.type === "unsubscribed" && f.channel === channel);
    o.send({ type: "send", channel, body: "members only now" });
    await o.next(messageWith("members only now"));
    expect(p.all(messageWith("members only now"))).toEqual([]);
    for (const s of [o, p]) s.close();
  });
});

describe("edit and delete", () => {
  it("lets authors edit and delete their own messages only (admins may delete any)", async () => {
    const ada = await signUp("Ada");
    const bob = await signUp("Bob");
    const mod = await signUp("Mod");
    await env.DB.prepare("UPDATE users SET role = 'admin' WHERE id = ?").bind(mod.id).run();
    const room = await createRoom(ada.auth, { visibility: "public" });
    const channel = roomChannel(room.id);
    const a = await subscribed(ada.auth, channel);
    const b = await subscribed(bob.auth, channel);
    a.send({ type: "send", channel, body: "typo" });
    const { message } = await b.next<Msg>(messageWith("typo"));

    b.send({ type: "edit", id: message.id, body: "hijacked", nonce: "e1" });
    await b.next(errorWith("forbidden", "e1"));
    b.send({ type: "delete", id: message.id, nonce: "d1" });
    await b.next(errorWith("forbidden", "d1"));

    a.send({ type: "edit", id: message.id, body: "fixed" });
    const edited = await b.next<Extract<ServerFrame, { type: "edited" }>>((f) => f.type === "edited");
    expect(edited.message).toMatchObject({ id: message.id, body: "fixed", seq: message.seq });
    expect(edited.message.editedAt).not.toBeNull();
    expect((await page(bob.auth, room.id)).messages.map((m) => m.body)).toEqual(["fixed"]);

    a.send({ type: "delete", id: message.id });
    await b.next((f) => f.type === "deleted" && f.id === message.id);
    expect((await page(bob.auth, room.id)).messages).toEqual([]);

    b.send({ type: "send", channel, body: "rude" });
    const rude = (await a.next<Msg>(messageWith("rude"))).message;
    const m = await ChatSocket.open(mod.auth);
    m.send({ type: "delete", id: rude.id });
    await a.next((f) => f.type === "deleted" && f.id === rude.id);
    m.send({ type: "edit", id: "no-such-id", body: "x", nonce: "e2" });
    await m.next(errorWith("not_found", "e2"));
    for (const s of [a, b, m]) s.close();
  });
});

describe("limits", () => {
  it("answers a user who writes too fast with a rate_limited error frame, never a silent drop", async () => {
    const ada = await signUp("Ada");
    const room = await createRoom(ada.auth, { visibility: "public" });
    const channel = roomChannel(room.id);
    const a = await subscribed(ada.auth, channel);
    for (let n = 0; n < 20; n++) a.send({ type: "send", channel, body: `burst ${n}`, nonce: `b${n}` });
    const limited = await a.next<Extract<ServerFrame, { type: "error" }>>(errorWith("rate_limited"));
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    expect(limited.message).toMatch(/slow down/i);
    // Every send got exactly one answer: its message or an error naming it.
    await eventually(() => a.all((f) => f.type === "message" || (f.type === "error" && f.code === "rate_limited")).length).toBe(20);
    const delivered = a.all<Msg>((f) => f.type === "message").length;
    expect(delivered).toBeLessThan(20);
    expect((await page(ada.auth, room.id, "?limit=100")).messages).toHaveLength(delivered);

    // REST writes share the user's bucket (which refills meanwhile, so keep posting).
    let rest = await post(ada.auth, room.id, "one more");
    for (let n = 0; n < 20 && rest.status === 201; n++) rest = await post(ada.auth, room.id, "one more");
    expect(rest.status).toBe(429);
    expect(rest.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await json(rest)).error.code).toBe("rate_limited");
    a.close();
  });

  it("refuses messages over 4,000 characters", async () => {
    const ada = await signUp("Ada");
    const room = await createRoom(ada.auth, { visibility: "public" });
    const response = await post(ada.auth, room.id, "x".repeat(MAX_MESSAGE_CHARS + 1));
    expect(response.status).toBe(400);
    expect((await post(ada.auth, room.id, "x".repeat(MAX_MESSAGE_CHARS))).status).toBe(201);
  });
});

describe("typing", () => {
  it("relays typing to the channel's other users without storing it", async () => {
    const ada = await signUp("Ada");
    const bob = await signUp("Bob");
    const room = await createRoom(ada.auth, { visibility: "public" });
    const channel = roomChannel(room.id);
    const a = await subscribed(ada.auth, channel);
    const b = await subscribed(bob.auth, channel);
    a.send({ type: "typing", channel });
    const typing = await b.next<Extract<ServerFrame, { type: "typing" }>>((f) => f.type === "typing");
    expect(typing).toEqual({ type: "typing", channel, user: { id: ada.id, name: "Ada" } });
    expect((await page(bob.auth, room.id)).messages).toEqual([]);
    a.close();
    b.close();
  });
});

describe("malformed frames", () => {
  it("answers each bad frame with an error and otherwise ignores it", async () => {
    const ada = await signUp("Ada");
    const bob = await signUp("Bob");
    const room = await createRoom(ada.auth, { visibility: "public" });
    const channel = roomChannel(room.id);
    const a = await subscribed(ada.auth, channel);
    const b = await subscribed(bob.auth, channel);
    const bad: Array<string | ArrayBuffer | Record<string, unknown>> = [
      "not json",
      "null",
      new TextEncoder().encode('{"type":"send"}').buffer as ArrayBuffer,
      { type: "explode" },
      { type: "send", channel: "room:not-a-uuid", body: "x" },
      { type: "send", channel, body: "" },
      { type: "send", channel, body: "x".repeat(MAX_MESSAGE_CHARS + 1) },
      { type: "send", channel, body: "x", extra: true },
      { type: "view", room: 42 },
      "x".repeat(40_000),
    ];
    for (const frame of bad) a.send(frame);
    await eventually(() => a.all(errorWith("bad_frame")).length).toBe(bad.length);

    // The socket still works, and nothing reached Bob or the history.
    a.send({ type: "send", channel, body: "fine" });
    await b.next(messageWith("fine"));
    expect(b.all((f) => f.type === "message")).toHaveLength(1);
    expect(b.all((f) => f.type === "error")).toEqual([]);
    expect((await page(ada.auth, room.id)).messages.map((m) => m.body)).toEqual(["fine"]);
    a.close();
    b.close();
  });
});
