// Regression tests from the security review: what tokens may do, socket origins,
// credential changes, member emails, and access changes reaching open sockets.
import { describe, expect, it } from "vitest";
import { call, createToken, json, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { closed, rawConnect, upgrade } from "../helpers/websocket.ts";
import { partyClient, stockClient, synced, until } from "../helpers/yjs-clients.ts";

/** The answer to an upgrade; a socket it opens is closed at once. */
async function upgradeAndClose(path: string, headers: Record<string, string>): Promise<Response> {
  const response = await upgrade(path, headers);
  response.webSocket?.accept();
  response.webSocket?.close();
  return response;
}

describe("tokens", () => {
  it("a read-only token gets a read-only room socket and cannot join chat", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const readOnly = await createToken(owner.auth, ["read"]);
    const writer = partyClient(room.id, owner.auth);
    const reader = stockClient(room.id, { token: readOnly.secret });
    await Promise.all([synced(writer), synced(reader)]);
    reader.doc.getText("t").insert(0, "from a read-only token");
    writer.doc.getText("t").insert(0, "owner");
    await until(() => expect(reader.doc.getText("t").toString()).toContain("owner"));
    expect(writer.doc.getText("t").toString()).toBe("owner");
    writer.close();
    reader.close();
    expect((await upgradeAndClose("/api/chat", { authorization: `Bearer ${readOnly.secret}` })).status).toBe(403);
  });

  it("tokens cannot mint tokens or change credentials; the cache scope is for admins", async () => {
    const user = await signUp("Scripter");
    const token = await createToken(user.auth);
    const minted = await call("POST", "/api/tokens", { auth: { token: token.secret }, body: { name: "more" } });
    expect(minted.status).toBe(403);
    const steal = await call("PATCH", `/api/users/${user.id}`, {
      auth: { token: token.secret },
      body: { password: "attacker-password", currentPassword: user.password },
    });
    expect(steal.status).toBe(403);
    const cache = await call("POST", "/api/tokens", { auth: user.auth, body: { name: "c", scopes: ["cache"] } });
    expect(cache.status).toBe(403);
  });
});

describe("password changes", () => {
  it("need the current password, and revoke other sessions and every token", async () => {
    const user = await signUp("Careful");
    const token = await createToken(user.auth);
    const otherLogin = await call("POST", "/api/auth/login", { body: { email: user.email, password: user.password } });
    const otherSession = { cookie: otherLogin.headers.get("set-cookie")!.split(";")[0]! };

    const without = await call("PATCH", `/api/users/${user.id}`, { auth: user.auth, body: { password: "new-password-1" } });
    expect(without.status).toBe(403);
    expect((await json(without)).error.code).toBe("wrong_password");

    const changed = await call("PATCH", `/api/users/${user.id}`, {
      auth: user.auth,
      body: { password: "new-password-1", currentPassword: user.password },
    });
    expect(changed.status).toBe(200);
    expect((await call("GET", "/api/auth/me", { auth: user.auth })).status).toBe(200); // this session stays
    expect((await call("GET", "/api/auth/me", { auth: otherSession })).status).toBe(401);
    expect((await call("GET", "/api/auth/me", { auth: { token: token.secret } })).status).toBe(401);
  });

  it("names with lone surrogates are refused at signup instead of breaking sockets later", async () => {
    const response = await call("POST", "/api/users", {
      rawBody: '{"name":"bad \\ud800 name","email":"surrogate@example.com","password":"password-1"}',
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(400);
  });
});

describe("sockets", () => {
  it("a session may not open a socket from a foreign origin", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const foreign = await upgradeAndClose(`/parties/room/${room.id}`, { cookie: owner.auth.cookie!, origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const chat = await upgradeAndClose("/api/chat", { cookie: owner.auth.cookie!, origin: "https://evil.example" });
    expect(chat.status).toBe(403);
    const own = await upgradeAndClose(`/parties/room/${room.id}`, { cookie: owner.auth.cookie!, origin: "http://localhost:3000" });
    expect(own.status).toBe(101);
  });

  it("making a public room private disconnects outsiders at once", async () => {
    const owner = await signUp("Owner");
    const visitor = await signUp("Visitor");
    const room = await createRoom(owner.auth, { visibility: "public" });
    const { socket } = await rawConnect(`/parties/room/${room.id}`, visitor.auth);
    const closing = closed(socket!);
    const patched = await call("PATCH", `/api/rooms/${room.id}`, { auth: owner.auth, body: { visibility: "private" } });
    expect(patched.status).toBe(200);
    expect((await closing).code).toBe(4403);
  });
});

describe("member lists", () => {
  it("show emails only to the room's managers and to each member for themselves", async () => {
    const owner = await signUp("Owner");
    const member = await signUp("Member");
    const visitor = await signUp("Visitor");
    const room = await createRoom(owner.auth, { visibility: "public" });
    await addMember(owner.auth, room.id, member, "editor");
    const seenByVisitor = (await json(await call("GET", `/api/rooms/${room.id}/members`, { auth: visitor.auth }))).members;
    expect(seenByVisitor.every((m: { email?: string }) => m.email === undefined)).toBe(true);
    const seenByMember = (await json(await call("GET", `/api/rooms/${room.id}/members`, { auth: member.auth }))).members;
    expect(seenByMember.filter((m: { email?: string }) => m.email).map((m: { email: string }) => m.email)).toEqual([member.email]);
    const seenByOwner = (await json(await call("GET", `/api/rooms/${room.id}/members`, { auth: owner.auth }))).members;
    expect(seenByOwner.every((m: { email?: string }) => Boolean(m.email))).toBe(true);
  });
});
