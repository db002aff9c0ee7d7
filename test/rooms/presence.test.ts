// Presence through the real Worker and the real global Presence object in workerd.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { presenceStub } from "../../src/presence/stub.ts";
import type { PresenceSummary } from "../../src/shared/api-types.ts";
import type { ServerFrame } from "../../src/shared/chat-protocol.ts";
import { type Auth, call, json, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { ChatSocket, connect, eventually, presenceOf } from "../helpers/ws-chat.ts";

type PresenceFrame = Extract<ServerFrame, { type: "presence" }>;

/** Lets the grace period "pass" by backdating the stored deadline, then fires the alarm. */
async function expireGrace(userId: string): Promise<void> {
  await runInDurableObject(presenceStub(env), (_instance, state) => {
    state.storage.sql.exec("UPDATE pending_leaves SET deadline = 0 WHERE user_id = ?", userId);
  });
  // False only if the real alarm beat us to it on a slow machine; either way the leave is due now.
  await runDurableObjectAlarm(presenceStub(env));
}

async function pendingLeave(userId: string): Promise<boolean> {
  return runInDurableObject(presenceStub(env), (_instance, state) =>
    state.storage.sql.exec("SELECT 1 FROM pending_leaves WHERE user_id = ?", userId).toArray().length > 0,
  );
}

async function onlineUsers(auth: Auth): Promise<PresenceSummary> {
  const response = await call("GET", "/api/presence", { auth });
  expect(response.status).toBe(200);
  return json(response);
}

describe("connecting", () => {
  it("refuses anonymous upgrades with a JSON 401 and plain GETs with 426", async () => {
    const anonymous = await connect({});
    expect(anonymous.status).toBe(401);
    expect((await json(anonymous)).error.code).toBe("unauthorized");
    const bad = await connect({ token: "rf_nope" });
    expect(bad.status).toBe(401);
    await bad.body?.cancel();

    const ada = await signUp("Ada");
    const plain = await call("GET", "/api/chat", { auth: ada.auth });
    expect(plain.status).toBe(426);
    expect((await call("GET", "/api/presence")).status).toBe(401);
  });

  it("ignores identity headers sent by the client", async () => {
    const ada = await signUp("Ada");
    const mallory = await signUp("Mallory");
    const spoofed = await connect({}, { "x-roomful-user-id": ada.id, "x-roomful-user-name": "Ada", "x-roomful-signature": "00" });
    expect(spoofed.status).toBe(401);
    await spoofed.body?.cancel();

    const socket = await ChatSocket.open(mallory.auth, { "x-roomful-user-id": ada.id, "x-roomful-signature": "00" });
    const welcome = socket.frames[0] as Extract<ServerFrame, { type: "welcome" }>;
    expect(welcome.you).toMatchObject({ id: mallory.id, name: "Mallory" });
    socket.close();
  });

  it("greets a new connection with itself, its colour and who is online", async () => {
    const ada = await signUp("Ada");
    const bob = await signUp("Bob");
    const a = await ChatSocket.open(ada.auth);
    const b = await ChatSocket.open(bob.auth);
    const welcome = b.frames[0] as Extract<ServerFrame, { type: "welcome" }>;
    expect(welcome.you).toMatchObject({ id: bob.id, name: "Bob", rooms: [] });
    expect(welcome.you.colour).toMatch(/^#[0-9a-f]{6}$/);
    expect(welcome.online.map((u) => u.id)).toEqual(expect.arrayContaining([ada.id, bob.id]));
    a.close();
    b.close();
  });
});

describe("presence broadcast", () => {
  it("announces a join, a room move and (after the grace period) a leave to others", async () => {
    const ada = await signUp("Ada");
    const bob = await signUp("Bob");
    const room = await createRoom(bob.auth, { visibility: "public" });
    const a = await ChatSocket.open(ada.auth);
    const b = await ChatSocket.open(bob.auth);

    const joined = await a.next<PresenceFrame>(presenceOf(bob.id, "join"));
    expect(joined.user).toMatchObject({ name: "Bob", rooms: [] });

    b.send({ type: "view", room: room.id });
    const moved = await a.next<PresenceFrame>(presenceOf(bob.id, "update"));
    expect(moved.user.rooms).toEqual([room.id]);
    expect((await onlineUsers(ada.auth)).rooms).toContainEqual({ roomId: room.id, count: 1 });

    b.send({ type: "view", room: null });
    await eventually(() => a.all<PresenceFrame>(presenceOf(bob.id, "update")).at(-1)?.user.rooms).toEqual([]);

    b.close();
    await eventually(() => pendingLeave(bob.id)).toBe(true);
    expect(a.all(presenceOf(bob.id, "leave"))).toEqual([]);
    await expireGrace(bob.id);
    const left = await a.next<PresenceFrame>(presenceOf(bob.id, "leave"));
    expect(left.user.rooms).toEqual([]);
    expect((await onlineUsers(ada.auth)).users.map((u) => u.id)).not.toContain(bob.id);
    a.close();
  });

  it("counts several tabs of one user once", async () => {
    const ada = await signUp("Ada");
    const bob = await signUp("Bob");
    const roomOne = await createRoom(bob.auth, { visibility: "public" });
    const roomTwo = await createRoom(bob.auth, { visibility: "public" });
    const a = await ChatSocket.open(ada.auth);
    // Opened at the same moment: still one join.
    const [tab1, tab2] = await Promise.all([ChatSocket.open(bob.auth), ChatSocket.open(bob.auth)]);
    tab1.send({ type: "view", room: roomOne.id });
    tab2.send({ type: "view", room: roomTwo.id });
    // Once Ada has seen both rooms, every earlier frame about Bob has arrived too.
    await eventually(() => a.all<PresenceFrame>(presenceOf(bob.id, "update")).at(-1)?.user.rooms.length).toBe(2);
    expect(a.all(presenceOf(bob.id, "join"))).toHaveLength(1);

    const { users, rooms } = await onlineUsers(ada.auth);
    expect(users.filter((u) => u.id === bob.id)).toHaveLength(1);
    expect(rooms).toContainEqual({ roomId: roomOne.id, count: 1 });

    // Closing one tab is a room change, not a leave.
    tab1.close();
    await eventually(() => a.all<PresenceFrame>(presenceOf(bob.id, "update")).at(-1)?.user.rooms).toEqual([roomTwo.id]);
    expect(await pendingLeave(bob.id)).toBe(false);
    expect(a.all(presenceOf(bob.id, "leave"))).toEqual([]);
    a.close();
    tab2.close();
  });

  it("publishes a disconnect only after the grace period, and not at all if the user comes back", async () => {
    const ada = await signUp("Ada");
    const bob = await signUp("Bob");
    const a = await ChatSocket.open(ada.auth);
    const b = await ChatSocket.open(bob.auth);
    await a.next(presenceOf(bob.id, "join"));

    b.close();
    await eventually(() => pendingLeave(bob.id)).toBe(true);
    // The wait is a DO alarm (hibernation-safe), due about LEAVE_GRACE_MS from now.
    const alarm = await runInDurableObject(presenceStub(env), (_i, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThan(Date.now());
    // Still listed while in grace.
    expect((await onlineUsers(ada.auth)).users.map((u) => u.id)).toContain(bob.id);

    const again = await ChatSocket.open(bob.auth);
    expect(await pendingLeave(bob.id)).toBe(false);
    again.send({ type: "view", room: null });
    again.close();
    await eventually(() => pendingLeave(bob.id)).toBe(true);
    // Reconnecting inside the grace period announced nothing.
    expect(a.all(presenceOf(bob.id, "join"))).toHaveLength(1);
    expect(a.all(presenceOf(bob.id, "leave"))).toHaveLength(0);

    await expireGrace(bob.id);
    await a.next(presenceOf(bob.id, "leave"));
    expect(a.all(presenceOf(bob.id, "leave"))).toHaveLength(1);
    a.close();
  });
});

describe("private rooms in presence", () => {
  it("shows who is in a private room only to those who may see it", async () => {
    const owner = await signUp("Olga");
    const member = await signUp("Mia");
    const outsider = await signUp("Xavier");
    const room = await createRoom(owner.auth, { visibility: "private" });
    await addMember(owner.auth, room.id, member, "viewer");

    const m = await ChatSocket.open(member.auth);
    const x = await ChatSocket.open(outsider.auth);
    const o = await ChatSocket.open(owner.auth);
    await x.next(presenceOf(owner.id, "join"));
    o.send({ type: "view", room: room.id });
    const seen = await m.next<PresenceFrame>(presenceOf(owner.id, "update"));
    expect(seen.user.rooms).toEqual([room.id]);

    // The outsider cannot claim the room either, and got no update about it.
    x.send({ type: "view", room: room.id });
    await x.next((f) => f.type === "error" && f.code === "not_found");
    expect(x.all(presenceOf(owner.id, "update"))).toEqual([]);
    expect(JSON.stringify(x.frames)).not.toContain(room.id);

    const forOutsider = await onlineUsers(outsider.auth);
    expect(forOutsider.users.find((u) => u.id === owner.id)?.rooms).toEqual([]);
    expect(forOutsider.rooms.map((r) => r.roomId)).not.toContain(room.id);
    const forMember = await onlineUsers(member.auth);
    expect(forMember.users.find((u) => u.id === owner.id)?.rooms).toEqual([room.id]);
    const forAdmin = await onlineUsers({ token: "test-admin-token" });
    expect(forAdmin.rooms).toContainEqual({ roomId: room.id, count: 1 });
    for (const s of [m, x, o]) s.close();
  });
});

describe("hibernation", () => {
  it("keeps every connection's presence after the object hibernates and wakes", async () => {
    const ada = await signUp("Ada");
    const bob = await signUp("Bob");
    const room = await createRoom(ada.auth, { visibility: "public" });
    const a = await ChatSocket.open(ada.auth);
    a.send({ type: "view", room: room.id });
    a.send({ type: "subscribe", channel: `room:${room.id}` });
    await a.next((f) => f.type === "subscribed");

    await evictDurableObject(presenceStub(env), { webSockets: "hibernate" });

    const b = await ChatSocket.open(bob.auth);
    const welcome = b.frames[0] as Extract<ServerFrame, { type: "welcome" }>;
    expect(welcome.online.find((u) => u.id === ada.id)?.rooms).toEqual([room.id]);
    await a.next(presenceOf(bob.id, "join"));
    // Ada's subscription survived in her socket's attachment.
    b.send({ type: "subscribe", channel: `room:${room.id}` });
    await b.next((f) => f.type === "subscribed");
    b.send({ type: "send", channel: `room:${room.id}`, body: "still here?" });
    await a.next((f) => f.type === "message" && f.message.body === "still here?");
    a.close();
    b.close();
  });
});
