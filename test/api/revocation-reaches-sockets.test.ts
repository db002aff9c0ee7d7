// Revoking a credential reaches the sockets it opened: logout, token revocation, a password
// change and account deletion close the user's room and chat sockets (4403, "Signed out"),
// an edit sent after that is not stored, and sockets of credentials that stay valid stay open.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { presenceStub } from "../../src/presence/stub.ts";
import { syncUpdateFrame } from "../../src/rooms/frames.ts";
import { roomStub } from "../../src/rooms/stub.ts";
import { userSocketsStub } from "../../src/rooms/stub.ts";
import { MAX_REGISTERED_ROOMS } from "../../src/rooms/user-sockets.ts";
import { admin, type Auth, call, createToken, json, signUp, type TestUser } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { closed, rawConnect } from "../helpers/websocket.ts";
import { ChatSocket, connect, errorWith, eventually, messageWith } from "../helpers/ws-chat.ts";

/** An update inserting `text` into the shared text "t", independent of any other. */
function edit(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText("t").insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

async function storedText(roomId: string): Promise<string> {
  const response = await call("GET", `/api/rooms/${roomId}/document?format=yjs`, { auth: admin });
  expect(response.status).toBe(200);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(await response.arrayBuffer()));
  return doc.getText("t").toString();
}

type Sockets = { room: WebSocket; chat: ChatSocket; roomClosed: Promise<CloseEvent>; chatClosed: Promise<CloseEvent> };

/** A room socket (proved able to store an edit) and a chat socket, both opened with `auth`. */
async function openSockets(roomId: string, auth: Auth, label: string): Promise<Sockets> {
  const { status, socket } = await rawConnect(`/parties/room/${roomId}`, auth);
  expect(status).toBe(101);
  const roomClosed = closed(socket!, 10_000);
  socket!.send(syncUpdateFrame(edit(`[${label} before]`)));
  await eventually(() => storedText(roomId)).toContain(`[${label} before]`);
  const chat = await ChatSocket.open(auth);
  return { room: socket!, chat, roomClosed, chatClosed: closed(chat.ws, 10_000) };
}

/** Both sockets closed as signed out; an edit sent afterwards is not stored; the credential cannot reconnect. */
async function expectSignedOut(roomId: string, sockets: Sockets, auth: Auth, label: string): Promise<void> {
  const [room, chat] = await Promise.all([sockets.roomClosed, sockets.chatClosed]);
  expect([room.code, room.reason]).toEqual([4403, "Signed out"]);
  expect([chat.code, chat.reason]).toEqual([4403, "Signed out"]);
  try {
    sockets.room.send(syncUpdateFrame(edit(`[${label} after]`)));
  } catch {
    // closed: the runtime refuses to send, which is the point
  }
  const again = await rawConnect(`/parties/room/${roomId}`, auth);
  expect(again.status).toBe(401);
  const chatAgain = await connect(auth);
  expect(chatAgain.status).toBe(401);
  await chatAgain.body?.cancel();
  // The "before" edit went through this same socket, so a live one would have stored this too.
  expect(await storedText(roomId)).not.toContain(`[${label} after]`);
}

/** Still open: it can store an edit and post to chat. */
async function expectStillOpen(roomId: string, sockets: Sockets, label: string): Promise<void> {
  sockets.room.send(syncUpdateFrame(edit(`[${label} still]`)));
  await eventually(() => storedText(roomId)).toContain(`[${label} still]`);
  sockets.chat.send({ type: "send", channel: "global", body: `${label} still here`, nonce: label });
  await sockets.chat.next(messageWith(`${label} still here`));
}

async function secondSession(user: TestUser): Promise<Auth> {
  const response = await call("POST", "/api/auth/login", { body: { email: user.email, password: user.password } });
  expect(response.status).toBe(200);
  return { cookie: response.headers.get("set-cookie")!.split(";")[0]! };
}

async function sharedRoom(): Promise<{ owner: TestUser; member: TestUser; roomId: string }> {
  const owner = await signUp("Owner");
  const member = await signUp("Member");
  const room = await createRoom(owner.auth);
  await addMember(owner.auth, room.id, member, "editor");
  return { owner, member, roomId: room.id };
}

describe("revocation reaches open sockets", () => {
  it("logout closes that session's room and chat sockets, not another session's", async () => {
    const { member, roomId } = await sharedRoom();
    const other = await secondSession(member);
    const leaving = await openSockets(roomId, member.auth, "logout");
    const staying = await openSockets(roomId, other, "other-session");
    expect((await call("POST", "/api/auth/logout", { auth: member.auth })).status).toBe(204);
    await expectSignedOut(roomId, leaving, member.auth, "logout");
    await expectStillOpen(roomId, staying, "other-session");
  });

  it("revoking a token closes the sockets opened with it, not the session's", async () => {
    const { member, roomId } = await sharedRoom();
    const token = await createToken(member.auth);
    const scripted = await openSockets(roomId, { token: token.secret }, "token");
    const browser = await openSockets(roomId, member.auth, "browser");
    expect((await call("DELETE", `/api/tokens/${token.id}`, { auth: member.auth })).status).toBe(204);
    await expectSignedOut(roomId, scripted, { token: token.secret }, "token");
    await expectStillOpen(roomId, browser, "browser");
  });

  it("a password change closes other sessions' and tokens' sockets, not the changing session's", async () => {
    const { member, roomId } = await sharedRoom();
    const other = await secondSession(member);
    const token = await createToken(member.auth);
    const elsewhere = await openSockets(roomId, other, "elsewhere");
    const scripted = await openSockets(roomId, { token: token.secret }, "script");
    const here = await openSockets(roomId, member.auth, "here");
    const changed = await call("PATCH", `/api/users/${member.id}`, {
      auth: member.auth,
      body: { password: "a brand new password", currentPassword: member.password },
    });
    expect(changed.status).toBe(200);
    await expectSignedOut(roomId, elsewhere, other, "elsewhere");
    await expectSignedOut(roomId, scripted, { token: token.secret }, "script");
    await expectStillOpen(roomId, here, "here");
  });

  it("deleting the account closes every socket the user had, and they can no longer post", async () => {
    const { member, roomId } = await sharedRoom();
    const token = await createToken(member.auth);
    const browser = await openSockets(roomId, member.auth, "deleted-browser");
    const scripted = await openSockets(roomId, { token: token.secret }, "deleted-script");
    const deleted = await call("DELETE", `/api/users/${member.id}`, { auth: member.auth, body: { currentPassword: member.password } });
    expect(deleted.status).toBe(204);
    await expectSignedOut(roomId, browser, member.auth, "deleted-browser");
    await expectSignedOut(roomId, scripted, { token: token.secret }, "deleted-script");
    const posted = await call("POST", `/api/rooms/${roomId}/messages`, { auth: { token: token.secret }, body: { body: "ghost" } });
    expect(posted.status).toBe(401);
  });

  it("reaches sockets whose room and presence objects hibernated since they opened", async () => {
    const { member, roomId } = await sharedRoom();
    const sleeping = await openSockets(roomId, member.auth, "hibernated");
    await evictDurableObject(roomStub(env, roomId), { webSockets: "hibernate" });
    await evictDurableObject(presenceStub(env), { webSockets: "hibernate" });
    expect((await call("POST", "/api/auth/logout", { auth: member.auth })).status).toBe(204);
    await expectSignedOut(roomId, sleeping, member.auth, "hibernated");
  });

  it("a revocation prunes registry entries of rooms where the user has no socket left", async () => {
    const { member, roomId } = await sharedRoom();
    const { socket } = await rawConnect(`/parties/room/${roomId}`, member.auth);
    const closing = closed(socket!);
    socket!.close(1000, "done");
    await closing;
    const registry = (env.USER_SOCKETS as unknown as DurableObjectNamespace).getByName(member.id);
    const rooms = () => runInDurableObject(registry, (_o, state) => state.storage.sql.exec("SELECT room_id FROM rooms").toArray().length);
    expect(await rooms()).toBe(1);
    const token = await createToken(member.auth);
    expect((await call("DELETE", `/api/tokens/${token.id}`, { auth: member.auth })).status).toBe(204);
    expect(await rooms()).toBe(0);
  });

  it(`keeps at most the ${MAX_REGISTERED_ROOMS} most recently opened rooms per user`, async () => {
    const registry = userSocketsStub(env, crypto.randomUUID());
    const ids = Array.from({ length: MAX_REGISTERED_ROOMS + 5 }, (_, i) => `room-${String(i).padStart(3, "0")}`);
    for (const id of ids) await registry.note(id);
    const kept = await registry.rooms();
    expect(kept.length).toBe(MAX_REGISTERED_ROOMS);
    expect(kept).toContain(ids.at(-1));
  });
});

describe("demotion from admin", () => {
  it("re-checks the demoted user's room sockets and chat rooms, and ends their cache token", async () => {
    const owner = await signUp("Owner");
    const formerAdmin = await signUp("Former");
    expect((await call("PATCH", `/api/users/${formerAdmin.id}`, { auth: admin, body: { role: "admin" } })).status).toBe(200);
    const room = await createRoom(owner.auth); // private; the admin is not a member
    const cacheToken = await createToken(formerAdmin.auth, ["read", "write", "cache"]);
    expect((await call("PUT", "/api/cache/demotion-key", { auth: { token: cacheToken.secret }, rawBody: "v" })).status).toBe(204);

    const { socket } = await rawConnect(`/parties/room/${room.id}`, formerAdmin.auth);
    const roomClosed = closed(socket!, 10_000);
    const chat = await ChatSocket.open(formerAdmin.auth);
    chat.send({ type: "subscribe", channel: `room:${room.id}` });
    await chat.next((f) => f.type === "subscribed" && f.channel === `room:${room.id}`);

    expect((await call("PATCH", `/api/users/${formerAdmin.id}`, { auth: admin, body: { role: "user" } })).status).toBe(200);
    expect((await roomClosed).code).toBe(4403);
    await chat.next((f) => f.type === "unsubscribed" && f.channel === `room:${room.id}`);
    chat.send({ type: "history", channel: `room:${room.id}` });
    await chat.next(errorWith("not_subscribed"));
    const cached = await call("GET", "/api/cache/demotion-key", { auth: { token: cacheToken.secret } });
    expect(cached.status).toBe(403);
    expect((await json(cached)).error.code).toBe("forbidden");
  });
});
