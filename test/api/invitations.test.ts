// Invitations: an invite reveals nothing about who uses Roomful, and nobody joins a room
// (or sees it in their list) until they accept.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_PENDING_PER_ROOM } from "../../src/api/invitations/store.ts";
import { admin, type Auth, call, json, signUp, type TestUser, uniqueEmail } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";

const invite = (owner: Auth, roomId: string, body: Record<string, unknown>) => call("POST", `/api/rooms/${roomId}/members`, { auth: owner, body });
const roomIds = async (auth: Auth) => (await json(await call("GET", "/api/rooms", { auth }))).rooms.map((r: { id: string }) => r.id);
const pending = async (user: TestUser) => (await json(await call("GET", "/api/invitations", { auth: user.auth }))).invitations;

describe("inviting", () => {
  it("answers the same for a registered address, an unknown one and an unknown user id, and never shows an email", async () => {
    const owner = await signUp("Owner");
    const bob = await signUp("Bob");
    const room = await createRoom(owner.auth);
    const answers = [];
    for (const body of [{ email: bob.email }, { email: uniqueEmail("nobody") }, { userId: bob.id }, { userId: crypto.randomUUID() }]) {
      const response = await invite(owner.auth, room.id, { ...body, role: "editor" });
      expect(response.status).toBe(202);
      const text = await response.text();
      expect(text).not.toContain(bob.email);
      expect(text).not.toContain("@");
      answers.push(JSON.parse(text));
    }
    for (const answer of answers) {
      expect(answer).toEqual({ invitation: { id: expect.any(String), roomId: room.id, role: "editor", status: "pending" } });
    }
    // Inviting the same person again renews the one invitation (by address or by id).
    expect(answers[2].invitation.id).toBe(answers[0].invitation.id);
  });

  it("keeps the room out of the invitee's list and access until they accept", async () => {
    const owner = await signUp("Olivia");
    const bob = await signUp("Bob");
    const room = await createRoom(owner.auth, { name: "Plans", visibility: "private" });
    const { invitation } = await json(await invite(owner.auth, room.id, { userId: bob.id, role: "editor" }));

    expect(await roomIds(bob.auth)).not.toContain(room.id);
    expect((await call("GET", `/api/rooms/${room.id}`, { auth: bob.auth })).status).toBe(404);
    const members = (await json(await call("GET", `/api/rooms/${room.id}/members`, { auth: owner.auth }))).members;
    expect(members.map((m: { userId: string }) => m.userId)).toEqual([owner.id]);

    expect(await pending(bob)).toEqual([
      { id: invitation.id, roomId: room.id, roomName: "Plans", role: "editor", status: "pending", invitedBy: { name: "Olivia" }, createdAt: expect.any(String) },
    ]);
    const accepted = await call("POST", `/api/invitations/${invitation.id}/accept`, { auth: bob.auth });
    expect(accepted.status).toBe(200);
    expect((await json(accepted)).room).toMatchObject({ id: room.id, name: "Plans", role: "editor" });
    expect(await roomIds(bob.auth)).toContain(room.id);
    expect((await json(await call("GET", `/api/rooms/${room.id}`, { auth: bob.auth }))).access.canEdit).toBe(true);
    expect(await pending(bob)).toEqual([]);
    // Answered: it cannot be accepted twice.
    expect((await call("POST", `/api/invitations/${invitation.id}/accept`, { auth: bob.auth })).status).toBe(404);
  });

  it("declining leaves no membership and no invitation", async () => {
    const owner = await signUp("Owner");
    const bob = await signUp("Bob");
    const room = await createRoom(owner.auth);
    const { invitation } = await json(await invite(owner.auth, room.id, { email: bob.email, role: "viewer" }));
    expect((await call("POST", `/api/invitations/${invitation.id}/decline`, { auth: bob.auth })).status).toBe(204);
    expect(await pending(bob)).toEqual([]);
    expect(await roomIds(bob.auth)).not.toContain(room.id);
    expect((await call("POST", `/api/invitations/${invitation.id}/accept`, { auth: bob.auth })).status).toBe(404);
  });

  it("only the invitee may see, accept or decline an invitation (others get 404)", async () => {
    const owner = await signUp("Owner");
    const bob = await signUp("Bob");
    const eve = await signUp("Eve");
    const room = await createRoom(owner.auth);
    const { invitation } = await json(await invite(owner.auth, room.id, { userId: bob.id, role: "owner" }));
    expect(await pending(eve)).toEqual([]);
    for (const auth of [eve.auth, owner.auth]) {
      expect((await call("POST", `/api/invitations/${invitation.id}/accept`, { auth })).status).toBe(404);
      expect((await call("POST", `/api/invitations/${invitation.id}/decline`, { auth })).status).toBe(404);
    }
    expect((await call("POST", `/api/invitations/${invitation.id}/accept`, { auth: admin })).status).toBe(403);
    expect((await call("POST", `/api/invitations/${invitation.id}/accept`)).status).toBe(401);
    expect((await call("POST", "/api/invitations/not-an-id/accept", { auth: bob.auth })).status).toBe(400);
    expect(await pending(bob)).toHaveLength(1);
  });

  it("an address invited before it signs up sees the invitation after signing up", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth, { name: "Early" });
    const email = uniqueEmail("later");
    expect((await invite(owner.auth, room.id, { email, role: "viewer" })).status).toBe(202);
    const created = await call("POST", "/api/users", { body: { name: "Late", email, password: "long enough pw" } });
    expect(created.status).toBe(201);
    const login = await call("POST", "/api/auth/login", { body: { email, password: "long enough pw" } });
    const late = { ...(await json(created)).user, auth: { cookie: (login.headers.get("set-cookie") ?? "").split(";")[0]! } } as TestUser;
    const [invitation] = await pending(late);
    expect(invitation).toMatchObject({ roomId: room.id, roomName: "Early", role: "viewer" });
    expect((await call("POST", `/api/invitations/${invitation.id}/accept`, { auth: late.auth })).status).toBe(200);
    expect((await json(await call("GET", `/api/rooms/${room.id}`, { auth: late.auth }))).room.role).toBe("viewer");
  });

  it("changes an existing member's role at once, shown to the managing owner with the email", async () => {
    const owner = await signUp("Owner");
    const bob = await signUp("Bob");
    const room = await createRoom(owner.auth);
    await addMember(owner.auth, room.id, bob, "viewer");
    const changed = await invite(owner.auth, room.id, { userId: bob.id, role: "editor" });
    expect(changed.status).toBe(200);
    expect((await json(changed)).member).toEqual({ userId: bob.id, name: "Bob", email: bob.email, role: "editor" });
    expect((await json(await call("GET", `/api/rooms/${room.id}`, { auth: bob.auth }))).access.canEdit).toBe(true);
  });

  it("invitations sent with the admin token show no inviter, and go with their room", async () => {
    const owner = await signUp("Owner");
    const bob = await signUp("Bob");
    const room = await createRoom(owner.auth);
    expect((await invite(admin, room.id, { userId: bob.id, role: "viewer" })).status).toBe(202);
    expect((await pending(bob))[0].invitedBy).toBeNull();
    expect((await call("DELETE", `/api/rooms/${room.id}`, { auth: owner.auth })).status).toBe(204);
    expect(await pending(bob)).toEqual([]);
  });

  it(`holds at most ${MAX_PENDING_PER_ROOM} pending invitations per room (429), whoever is invited`, async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const now = Date.now();
    const rows = Array.from({ length: MAX_PENDING_PER_ROOM }, (_, i) =>
      env.DB.prepare("INSERT INTO room_invitations (id, room_id, email, role, created_at) VALUES (?, ?, ?, 'viewer', ?)").bind(crypto.randomUUID(), room.id, `filler-${i}@example.com`, now),
    );
    await env.DB.batch(rows);
    for (const body of [{ email: uniqueEmail() }, { userId: crypto.randomUUID() }]) {
      const refused = await invite(owner.auth, room.id, { ...body, role: "viewer" });
      expect(refused.status).toBe(429);
      expect((await json(refused)).error.code).toBe("too_many_invitations");
    }
  });
});
