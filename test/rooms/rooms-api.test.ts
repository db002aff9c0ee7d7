import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, call, json, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";

describe("rooms REST", () => {
  it("the creator owns a new room and sees it listed", async () => {
    const ada = await signUp("Ada");
    const room = await createRoom(ada.auth, { name: "Design", visibility: "private" });
    const got = await json(await call("GET", `/api/rooms/${room.id}`, { auth: ada.auth }));
    expect(got.room).toMatchObject({ name: "Design", visibility: "private", role: "owner" });
    expect(got.access).toEqual({ canView: true, canComment: true, canEdit: true, canManage: true });
    const list = await json(await call("GET", "/api/rooms", { auth: ada.auth }));
    expect(list.rooms.map((r: { id: string }) => r.id)).toContain(room.id);
  });

  it("private rooms are invisible (404) to outsiders and anonymous callers", async () => {
    const owner = await signUp("Owner");
    const outsider = await signUp("Outsider");
    const room = await createRoom(owner.auth, { visibility: "private" });
    expect((await call("GET", `/api/rooms/${room.id}`, { auth: outsider.auth })).status).toBe(404);
    expect((await call("GET", `/api/rooms/${room.id}`)).status).toBe(404);
    const list = await json(await call("GET", "/api/rooms", { auth: outsider.auth }));
    expect(list.rooms.map((r: { id: string }) => r.id)).not.toContain(room.id);
    expect((await call("PATCH", `/api/rooms/${room.id}`, { auth: outsider.auth, body: { name: "x" } })).status).toBe(404);
    expect((await call("DELETE", `/api/rooms/${room.id}`, { auth: outsider.auth })).status).toBe(404);
  });

  it("public rooms are viewable by any signed-in user but editable only by editors unless opened", async () => {
    const owner = await signUp("Owner");
    const visitor = await signUp("Visitor");
    const room = await createRoom(owner.auth, { visibility: "public" });
    const seen = await json(await call("GET", `/api/rooms/${room.id}`, { auth: visitor.auth }));
    expect(seen.access).toEqual({ canView: true, canComment: false, canEdit: false, canManage: false });
    await call("PATCH", `/api/rooms/${room.id}`, { auth: owner.auth, body: { openCommenting: true } });
    const commenting = await json(await call("GET", `/api/rooms/${room.id}`, { auth: visitor.auth }));
    expect(commenting.access).toEqual({ canView: true, canComment: true, canEdit: false, canManage: false });
    await call("PATCH", `/api/rooms/${room.id}`, { auth: owner.auth, body: { openEditing: true } });
    const opened = await json(await call("GET", `/api/rooms/${room.id}`, { auth: visitor.auth }));
    expect(opened.access.canEdit).toBe(true);
    expect((await call("GET", `/api/rooms/${room.id}`)).status).toBe(404);
  });

  it("owners manage members by email; roles decide what members may do", async () => {
    const owner = await signUp("Owner");
    const editor = await signUp("Editor");
    const viewer = await signUp("Viewer");
    const room = await createRoom(owner.auth);
    await addMember(owner.auth, room.id, editor, "editor");
    await addMember(owner.auth, room.id, viewer, "viewer");
    const members = await json(await call("GET", `/api/rooms/${room.id}/members`, { auth: viewer.auth }));
    expect(members.members.map((m: { role: string }) => m.role).sort()).toEqual(["editor", "owner", "viewer"]);
    expect((await json(await call("GET", `/api/rooms/${room.id}`, { auth: viewer.auth }))).access.canEdit).toBe(false);
    expect((await json(await call("GET", `/api/rooms/${room.id}`, { auth: editor.auth }))).access.canEdit).toBe(true);
    // Editors cannot manage; viewers cannot invite.
    expect((await call("PATCH", `/api/rooms/${room.id}`, { auth: editor.auth, body: { name: "x" } })).status).toBe(403);
    expect(
      (await call("POST", `/api/rooms/${room.id}/members`, { auth: viewer.auth, body: { email: viewer.email, role: "owner" } })).status,
    ).toBe(403);
    // Role change and removal.
    await addMember(owner.auth, room.id, viewer, "editor");
    expect((await json(await call("GET", `/api/rooms/${room.id}`, { auth: viewer.auth }))).access.canEdit).toBe(true);
    expect((await call("DELETE", `/api/rooms/${room.id}/members/${viewer.id}`, { auth: owner.auth })).status).toBe(204);
    expect((await call("GET", `/api/rooms/${room.id}`, { auth: viewer.auth })).status).toBe(404);
  });

  it("a room never loses its last owner", async () => {
    const owner = await signUp("Solo");
    const room = await createRoom(owner.auth);
    const leave = await call("DELETE", `/api/rooms/${room.id}/members/${owner.id}`, { auth: owner.auth });
    expect(leave.status).toBe(409);
    expect((await json(leave)).error.code).toBe("last_owner");
  });

  it("inviting an unknown email is answered like any invitation, and bad bodies are 400s", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    expect(
      (await call("POST", `/api/rooms/${room.id}/members`, { auth: owner.auth, body: { email: "nobody@example.com", role: "editor" } })).status,
    ).toBe(202);
    expect((await call("POST", `/api/rooms/${room.id}/members`, { auth: owner.auth, body: { role: "king" } })).status).toBe(400);
    expect((await call("POST", "/api/rooms", { auth: owner.auth, body: { name: "x", visibility: "secret" } })).status).toBe(400);
    expect((await call("POST", "/api/rooms", { body: { name: "x", visibility: "public" } })).status).toBe(401);
  });

  it("lists each room's last activity: its latest snapshot, or its last change", async () => {
    const ada = await signUp("Ada");
    const room = await createRoom(ada.auth, { name: "Busy" });
    const listed = async () => (await json(await call("GET", "/api/rooms", { auth: ada.auth }))).rooms.find((r: { id: string }) => r.id === room.id);
    const fresh = await listed();
    expect(fresh.lastActivityAt).toBe(fresh.updatedAt);
    const later = Date.parse(fresh.updatedAt) + 60_000;
    await env.DB.prepare(
      "INSERT INTO snapshots (id, room_id, r2_key, bytes, checksum, state_vector_hash, reason, created_at) VALUES (?, ?, 'k', 5, 'c', 'h', 'auto', ?)",
    )
      .bind(crypto.randomUUID(), room.id, later)
      .run();
    expect((await listed()).lastActivityAt).toBe(new Date(later).toISOString());
  });

  it("lists page by page without repeats", async () => {
    const user = await signUp("Pager");
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await createRoom(user.auth, { name: `R${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await json(await call("GET", `/api/rooms?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { auth: user.auth }));
      seen.push(...page.rooms.map((r: { id: string }) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(created));
  });

  it("deleting a room removes it, its memberships and its snapshots", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    await env.STORAGE.put(`snapshots/${room.id}/s1`, "state");
    await env.DB.prepare(
      "INSERT INTO snapshots (id, room_id, r2_key, bytes, checksum, state_vector_hash, reason) VALUES (?, ?, ?, 5, 'c', 'h', 'manual')",
    )
      .bind(crypto.randomUUID(), room.id, `snapshots/${room.id}/s1`)
      .run();
    expect((await call("DELETE", `/api/rooms/${room.id}`, { auth: owner.auth })).status).toBe(204);
    expect((await call("GET", `/api/rooms/${room.id}`, { auth: admin })).status).toBe(404);
    expect(await env.STORAGE.get(`snapshots/${room.id}/s1`)).toBeNull();
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM room_members WHERE room_id = ?").bind(room.id).first<{ n: number }>();
    expect(left!.n).toBe(0);
    const snaps = await env.DB.prepare("SELECT COUNT(*) AS n FROM snapshots WHERE room_id = ?").bind(room.id).first<{ n: number }>();
    expect(snaps!.n).toBe(0);
  });
});
