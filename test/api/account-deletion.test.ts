// Deleting an account: only from a signed-in session with the current password (admins may
// still delete others), and rooms the user created survive when another owner remains.
import { describe, expect, it } from "vitest";
import { admin, call, createToken, json, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";

describe("deleting your own account", () => {
  it("needs a session and the current password, never just a token", async () => {
    const user = await signUp("Leaving");
    const token = await createToken(user.auth); // read + write
    const byToken = await call("DELETE", `/api/users/${user.id}`, { auth: { token: token.secret }, body: { currentPassword: user.password } });
    expect(byToken.status).toBe(403);
    expect((await json(byToken)).error.code).toBe("forbidden");

    const withoutPassword = await call("DELETE", `/api/users/${user.id}`, { auth: user.auth });
    expect(withoutPassword.status).toBe(415);
    const wrong = await call("DELETE", `/api/users/${user.id}`, { auth: user.auth, body: { currentPassword: "not my password" } });
    expect(wrong.status).toBe(403);
    expect((await json(wrong)).error.code).toBe("wrong_password");
    expect((await call("GET", "/api/auth/me", { auth: user.auth })).status).toBe(200);

    const right = await call("DELETE", `/api/users/${user.id}`, { auth: user.auth, body: { currentPassword: user.password } });
    expect(right.status).toBe(204);
    expect((await call("GET", "/api/auth/me", { auth: user.auth })).status).toBe(401);
  });

  it("an empty body is a 400 with the JSON error shape", async () => {
    const user = await signUp("Leaving");
    const response = await call("DELETE", `/api/users/${user.id}`, { auth: user.auth, body: {} });
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe("validation_failed");
  });

  it("admins still delete other accounts without their password", async () => {
    const user = await signUp("Removed");
    expect((await call("DELETE", `/api/users/${user.id}`, { auth: admin })).status).toBe(204);
    expect((await call("GET", `/api/users/${user.id}`, { auth: admin })).status).toBe(404);
  });
});

describe("rooms of a deleted account", () => {
  it("go to a remaining co-owner, content intact; rooms nobody else owns are purged", async () => {
    const creator = await signUp("Creator");
    const coOwner = await signUp("CoOwner");
    const editor = await signUp("Editor");
    const shared = await createRoom(creator.auth, { name: "Shared" });
    await addMember(creator.auth, shared.id, coOwner, "owner");
    await addMember(creator.auth, shared.id, editor, "editor");
    const solo = await createRoom(creator.auth, { name: "Solo" });
    await addMember(creator.auth, solo.id, editor, "editor");
    const put = await call("PUT", `/api/rooms/${shared.id}/document`, { auth: creator.auth, rawBody: "keep me", headers: { "content-type": "text/plain" } });
    expect(put.status).toBe(204);

    const deleted = await call("DELETE", `/api/users/${creator.id}`, { auth: creator.auth, body: { currentPassword: creator.password } });
    expect(deleted.status).toBe(204);

    const kept = await call("GET", `/api/rooms/${shared.id}`, { auth: coOwner.auth });
    expect(kept.status).toBe(200);
    expect((await json(kept)).room.ownerId).toBe(coOwner.id);
    const text = await call("GET", `/api/rooms/${shared.id}/document?format=text`, { auth: editor.auth });
    expect((await text.text()).trim()).toBe("keep me");
    const members = (await json(await call("GET", `/api/rooms/${shared.id}/members`, { auth: coOwner.auth }))).members;
    expect(members.map((m: { userId: string }) => m.userId).sort()).toEqual([coOwner.id, editor.id].sort());

    expect((await call("GET", `/api/rooms/${solo.id}`, { auth: editor.auth })).status).toBe(404);
  });
});
