// Who may call what: every route in /api/openapi.json and both WebSocket endpoints, against
// every kind of caller, as one table. A cell is the status the route must answer.
//   anon: no credentials        outsider: signed in, not a member     viewer/editor/owner: of the private room
//   admin: a user with role admin   revoked: the owner's deleted API token   expired: the owner's expired session
// Private rooms and their files answer 404 to everyone who may not see them (never 403: no hint they exist).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../src/core/secrets.ts";
import { unsubscribeToken } from "../../src/api/notifications/unsubscribe-token.ts";
import { admin, type Auth, call, createToken, json, signUp, type TestUser, uniqueEmail } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { rawConnect } from "../helpers/websocket.ts";

const CALLERS = ["anon", "outsider", "viewer", "editor", "owner", "admin", "revoked", "expired"] as const;
type Caller = (typeof CALLERS)[number];
type Expected = Record<Caller, number>;

type World = {
  users: Record<"outsider" | "viewer" | "editor" | "owner" | "admin", TestUser>;
  auth: Record<Caller, Auth>;
  room: string;
  publicRoom: string;
  file: string;
  snapshot: string;
  onboarding: string;
  invitee: TestUser;
  cacheKey: string;
};

type Request = { method: string; path: string; body?: unknown; rawBody?: BodyInit; headers?: Record<string, string>; ws?: boolean };
type Route = {
  name: string;
  /** Builds the request; `fresh` routes get their own target per cell because they destroy it. */
  request: (w: World, caller: Caller) => Request | Promise<Request>;
  expect: Expected;
};

/** anon, outsider, viewer, editor, owner, admin, revoked, expired */
const row = (...s: number[]): Expected => Object.fromEntries(CALLERS.map((c, i) => [c, s[i]!])) as Expected;

let world: World;

/** A private room with the world's owner, editor and viewer, for routes that destroy their target. */
async function freshRoom(w: World): Promise<string> {
  const room = await createRoom(w.users.owner.auth, { visibility: "private" });
  await addMember(w.users.owner.auth, room.id, w.users.editor, "editor");
  await addMember(w.users.owner.auth, room.id, w.users.viewer, "viewer");
  return room.id;
}

/** `/api/rooms/:id/snapshots/:sid` of a manual snapshot in a fresh room, for routes that delete it. */
async function freshSnapshotPath(w: World): Promise<string> {
  const room = await freshRoom(w);
  const response = await call("POST", `/api/rooms/${room}/snapshots`, { auth: w.users.owner.auth, body: {} });
  expect(response.status).toBe(201);
  return `/api/rooms/${room}/snapshots/${(await json(response)).snapshot.id}`;
}

/** A webhook of the owner's in `room`; it wants no event type that happens, so nothing is sent. */
async function webhookIn(w: World, room: string): Promise<string> {
  const body = { url: "https://example.com/matrix-hook", roomId: room, events: ["matrix.never"] };
  const response = await call("POST", "/api/webhooks", { auth: w.users.owner.auth, body });
  expect(response.status).toBe(201);
  return (await json(response)).webhook.id;
}

/** Two rooms for the webhook rows (a room holds 10 webhooks): shared webhooks in one, ones to delete in the other. */
let webhookRooms: Promise<{ shared: string; doomed: string; hook: string; replayed: string }> | null = null;
function webhookFixtures(w: World) {
  webhookRooms ??= (async () => {
    const shared = await freshRoom(w);
    return { shared, doomed: await freshRoom(w), hook: await webhookIn(w, shared), replayed: await webhookIn(w, shared) };
  })();
  return webhookRooms;
}

/** An invitation for the outsider to a fresh private room of the owner's. */
async function freshInvitation(w: World): Promise<string> {
  const room = await createRoom(w.users.owner.auth, { visibility: "private" });
  const response = await call("POST", `/api/rooms/${room.id}/members`, { auth: w.users.owner.auth, body: { userId: w.users.outsider.id, role: "viewer" } });
  expect(response.status).toBe(202);
  return (await json(response)).invitation.id;
}

function uploadForm(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("file", new Blob([new TextEncoder().encode("hello matrix")], { type: "text/plain" }), "note.txt");
  return form;
}

async function freshFile(w: World): Promise<string> {
  const response = await call("POST", "/api/upload", { auth: w.users.owner.auth, rawBody: uploadForm({ roomId: w.room }) });
  expect(response.status).toBe(201);
  return (await json(response)).id;
}

/** A resumable upload begun by `caller` (the uploader), or by the owner for callers without an account. */
async function freshMultipart(w: World, caller: Caller): Promise<string> {
  const who = caller in w.users ? w.users[caller as keyof World["users"]] : w.users.owner;
  const response = await call("POST", "/api/upload/multipart", { auth: who.auth, body: { name: "big.bin", size: 10 } });
  expect(response.status).toBe(201);
  return (await json(response)).id;
}

/** A fresh private room (owner, editor, viewer) whose document holds "Matrix text", and a thread the owner opened on it. */
async function freshThread(w: World): Promise<{ room: string; thread: string; comment: string }> {
  const room = await freshRoom(w);
  const put = await call("PUT", `/api/rooms/${room}/document`, { auth: w.users.owner.auth, rawBody: "Matrix text", headers: { "content-type": "text/plain" } });
  expect(put.status).toBe(204);
  const response = await call("POST", `/api/rooms/${room}/comments`, { auth: w.users.owner.auth, body: { body: "First", anchor: { quote: "Matrix" } } });
  expect(response.status).toBe(201);
  const { thread } = await json(response);
  return { room, thread: thread.id, comment: thread.comments[0].id };
}

const ROUTES: Route[] = [
  //                                                                      anon outs view edit ownr admn revk expd
  { name: "GET /api/health", request: () => ({ method: "GET", path: "/api/health" }), expect: row(200, 200, 200, 200, 200, 200, 401, 200) },
  { name: "GET /api/openapi.json", request: () => ({ method: "GET", path: "/api/openapi.json" }), expect: row(200, 200, 200, 200, 200, 200, 401, 200) },
  {
    name: "POST /api/users",
    request: () => ({ method: "POST", path: "/api/users", body: { name: "New", email: uniqueEmail("new"), password: "long enough password" } }),
    expect: row(201, 201, 201, 201, 201, 201, 401, 201),
  },
  { name: "GET /api/users", request: () => ({ method: "GET", path: "/api/users" }), expect: row(401, 403, 403, 403, 403, 200, 401, 401) },
  { name: "GET /api/users/:id", request: (w) => ({ method: "GET", path: `/api/users/${w.users.owner.id}` }), expect: row(401, 403, 403, 403, 200, 200, 401, 401) },
  {
    name: "PATCH /api/users/:id",
    request: (w) => ({ method: "PATCH", path: `/api/users/${w.users.owner.id}`, body: { name: "Owner" } }),
    expect: row(401, 403, 403, 403, 200, 200, 401, 401),
  },
  {
    name: "DELETE /api/users/:id (someone else)",
    request: async () => ({ method: "DELETE", path: `/api/users/${(await signUp("Victim")).id}` }),
    expect: row(401, 403, 403, 403, 403, 204, 401, 401),
  },
  {
    // Your own account needs a session and the current password: a wrong one deletes nothing.
    name: "DELETE /api/users/:id (yourself, wrong password)",
    request: (w, caller) => ({
      method: "DELETE",
      path: `/api/users/${(caller in w.users ? w.users[caller as keyof World["users"]] : w.users.owner).id}`,
      body: { currentPassword: "not the password" },
    }),
    expect: row(401, 403, 403, 403, 403, 403, 401, 401),
  },
  {
    name: "POST /api/auth/login",
    request: (w) => ({ method: "POST", path: "/api/auth/login", body: { email: w.invitee.email, password: w.invitee.password } }),
    expect: row(200, 200, 200, 200, 200, 200, 401, 200),
  },
  { name: "GET /api/auth/me", request: () => ({ method: "GET", path: "/api/auth/me" }), expect: row(401, 200, 200, 200, 200, 200, 401, 401) },
  { name: "POST /api/tokens", request: () => ({ method: "POST", path: "/api/tokens", body: { name: "m" } }), expect: row(401, 201, 201, 201, 201, 201, 401, 401) },
  { name: "GET /api/tokens", request: () => ({ method: "GET", path: "/api/tokens" }), expect: row(401, 200, 200, 200, 200, 200, 401, 401) },
  {
    name: "DELETE /api/tokens/:id (the owner's)",
    request: async (w) => ({ method: "DELETE", path: `/api/tokens/${(await createToken(w.users.owner.auth)).id}` }),
    expect: row(401, 404, 404, 404, 204, 404, 401, 401),
  },
  // Rooms (the world's room is private).
  { name: "POST /api/rooms", request: () => ({ method: "POST", path: "/api/rooms", body: { name: "R", visibility: "private" } }), expect: row(401, 201, 201, 201, 201, 201, 401, 401) },
  { name: "GET /api/rooms", request: () => ({ method: "GET", path: "/api/rooms" }), expect: row(401, 200, 200, 200, 200, 200, 401, 401) },
  { name: "GET /api/rooms/:id", request: (w) => ({ method: "GET", path: `/api/rooms/${w.room}` }), expect: row(404, 404, 200, 200, 200, 200, 401, 404) },
  { name: "GET /api/rooms/:id (public room)", request: (w) => ({ method: "GET", path: `/api/rooms/${w.publicRoom}` }), expect: row(404, 200, 200, 200, 200, 200, 401, 404) },
  {
    name: "PATCH /api/rooms/:id",
    request: (w) => ({ method: "PATCH", path: `/api/rooms/${w.room}`, body: { name: "Renamed" } }),
    expect: row(404, 404, 403, 403, 200, 200, 401, 404),
  },
  {
    name: "DELETE /api/rooms/:id",
    request: async (w) => ({ method: "DELETE", path: `/api/rooms/${await freshRoom(w)}` }),
    expect: row(404, 404, 403, 403, 204, 204, 401, 404),
  },
  { name: "GET /api/rooms/:id/members", request: (w) => ({ method: "GET", path: `/api/rooms/${w.room}/members` }), expect: row(404, 404, 200, 200, 200, 200, 401, 404) },
  {
    name: "POST /api/rooms/:id/members",
    request: (w) => ({ method: "POST", path: `/api/rooms/${w.room}/members`, body: { email: w.invitee.email, role: "viewer" } }),
    // 202: a pending invitation, answered alike whether or not the address is registered.
    expect: row(404, 404, 403, 403, 202, 202, 401, 404),
  },
  // Invitations: only the invitee (here the outsider, invited to a fresh room per cell) may answer.
  { name: "GET /api/invitations", request: () => ({ method: "GET", path: "/api/invitations" }), expect: row(401, 200, 200, 200, 200, 200, 401, 401) },
  {
    name: "POST /api/invitations/:id/accept (the outsider's)",
    request: async (w) => ({ method: "POST", path: `/api/invitations/${await freshInvitation(w)}/accept` }),
    expect: row(401, 200, 404, 404, 404, 404, 401, 401),
  },
  {
    name: "POST /api/invitations/:id/decline (the outsider's)",
    request: async (w) => ({ method: "POST", path: `/api/invitations/${await freshInvitation(w)}/decline` }),
    expect: row(401, 204, 404, 404, 404, 404, 401, 401),
  },
  {
    name: "DELETE /api/rooms/:id/members/:userId (the viewer; viewers may leave)",
    request: async (w) => ({ method: "DELETE", path: `/api/rooms/${await freshRoom(w)}/members/${w.users.viewer.id}` }),
    expect: row(404, 404, 204, 403, 204, 204, 401, 404),
  },
  { name: "GET /api/rooms/:id/document", request: (w) => ({ method: "GET", path: `/api/rooms/${w.room}/document?format=text` }), expect: row(404, 404, 200, 200, 200, 200, 401, 404) },
  {
    name: "PUT /api/rooms/:id/document",
    request: (w) => ({ method: "PUT", path: `/api/rooms/${w.room}/document`, rawBody: "Replaced", headers: { "content-type": "text/plain" } }),
    expect: row(404, 404, 403, 204, 204, 204, 401, 404),
  },
  {
    name: "POST /api/rooms/:id/document/append",
    request: (w) => ({ method: "POST", path: `/api/rooms/${w.room}/document/append`, rawBody: "More", headers: { "content-type": "text/plain" } }),
    expect: row(404, 404, 403, 204, 204, 204, 401, 404),
  },
  {
    name: "POST /api/rooms/:id/document/append (from another site's page)",
    request: (w) => ({ method: "POST", path: `/api/rooms/${w.room}/document/append`, rawBody: "Planted", headers: { "content-type": "text/plain", origin: "https://evil.example" } }),
    // Every cookie caller is refused (403 cross_origin) before the room is looked up.
    expect: row(404, 403, 403, 403, 403, 403, 401, 404),
  },
  {
    name: "GET /api/auth/me (WebSocket upgrade with the revoked token in ?token=)",
    request: (w) => ({ method: "GET", path: `/api/auth/me?token=${encodeURIComponent(w.auth.revoked.token!)}`, headers: { upgrade: "websocket" } }),
    // Only the two socket routes read ?token=: here it is ignored, so each caller is who its own credentials say.
    expect: row(401, 200, 200, 200, 200, 200, 401, 401),
  },
  { name: "GET /api/rooms/:id/document/stats", request: (w) => ({ method: "GET", path: `/api/rooms/${w.room}/document/stats` }), expect: row(404, 404, 200, 200, 200, 200, 401, 404) },
  { name: "GET /api/rooms/:id/snapshots", request: (w) => ({ method: "GET", path: `/api/rooms/${w.room}/snapshots` }), expect: row(404, 404, 200, 200, 200, 200, 401, 404) },
  {
    // A fresh room per cell: a second snapshot of unchanged content answers the kept one (200).
    name: "POST /api/rooms/:id/snapshots",
    request: async (w) => ({ method: "POST", path: `/api/rooms/${await freshRoom(w)}/snapshots`, body: {} }),
    expect: row(404, 404, 403, 201, 201, 201, 401, 404),
  },
  {
    name: "DELETE /api/rooms/:id/snapshots/:sid",
    request: async (w) => ({ method: "DELETE", path: await freshSnapshotPath(w) }),
    expect: row(404, 404, 403, 403, 204, 204, 401, 404),
  },
  {
    name: "GET /api/rooms/:id/snapshots/:sid",
    request: (w) => ({ method: "GET", path: `/api/rooms/${w.room}/snapshots/${w.snapshot}?format=text` }),
    expect: row(404, 404, 200, 200, 200, 200, 401, 404),
  },
  {
    name: "POST /api/rooms/:id/snapshots/:sid/restore",
    request: (w) => ({ method: "POST", path: `/api/rooms/${w.room}/snapshots/${w.snapshot}/restore` }),
    expect: row(404, 404, 403, 200, 200, 200, 401, 404),
  },
  {
    name: "GET /api/rooms/:id/changes",
    request: (w) => ({ method: "GET", path: `/api/rooms/${w.room}/changes?since=${w.snapshot}` }),
    expect: row(404, 404, 200, 200, 200, 200, 401, 404),
  },
  { name: "GET /api/rooms/:id/messages", request: (w) => ({ method: "GET", path: `/api/rooms/${w.room}/messages` }), expect: row(404, 404, 200, 200, 200, 200, 401, 404) },
  {
    name: "POST /api/rooms/:id/messages",
    request: (w) => ({ method: "POST", path: `/api/rooms/${w.room}/messages`, body: { body: "hi" } }),
    // Posting needs an identity first (401), then the room check (404): neither reveals the room.
    expect: row(401, 404, 201, 201, 201, 201, 401, 401),
  },
  // Comments: viewers read threads; commenting needs the commenter role or more (test/rooms/comments.test.ts has the commenter).
  { name: "GET /api/rooms/:id/comments", request: (w) => ({ method: "GET", path: `/api/rooms/${w.room}/comments?status=all` }), expect: row(404, 404, 200, 200, 200, 200, 401, 404) },
  {
    name: "POST /api/rooms/:id/comments",
    request: async (w) => ({ method: "POST", path: `/api/rooms/${(await freshThread(w)).room}/comments`, body: { body: "On it", anchor: { quote: "text" } } }),
    expect: row(404, 404, 403, 201, 201, 201, 401, 404),
  },
  {
    name: "POST /api/rooms/:id/comments/:threadId/replies",
    request: async (w) => {
      const { room, thread } = await freshThread(w);
      return { method: "POST", path: `/api/rooms/${room}/comments/${thread}/replies`, body: { body: "Agreed" } };
    },
    expect: row(404, 404, 403, 201, 201, 201, 401, 404),
  },
  {
    name: "PATCH /api/rooms/:id/comments/:threadId",
    request: async (w) => {
      const { room, thread } = await freshThread(w);
      return { method: "PATCH", path: `/api/rooms/${room}/comments/${thread}`, body: { resolved: true } };
    },
    expect: row(404, 404, 403, 200, 200, 200, 401, 404),
  },
  {
    // Only the author rewrites a comment: not the room's editor, not even an admin.
    name: "PATCH /api/rooms/:id/comments/:threadId/replies/:commentId (the owner's)",
    request: async (w) => {
      const { room, thread, comment } = await freshThread(w);
      return { method: "PATCH", path: `/api/rooms/${room}/comments/${thread}/replies/${comment}`, body: { body: "Reworded" } };
    },
    expect: row(404, 404, 403, 403, 200, 403, 401, 404),
  },
  {
    name: "DELETE /api/rooms/:id/comments/:threadId/replies/:commentId (the owner's)",
    request: async (w) => {
      const { room, thread, comment } = await freshThread(w);
      return { method: "DELETE", path: `/api/rooms/${room}/comments/${thread}/replies/${comment}` };
    },
    expect: row(404, 404, 403, 403, 204, 204, 401, 404),
  },
  // Notifications: each caller's own inbox; a room's mute and read mark for its viewers.
  { name: "GET /api/inbox", request: () => ({ method: "GET", path: "/api/inbox" }), expect: row(401, 200, 200, 200, 200, 200, 401, 401) },
  { name: "POST /api/inbox/read", request: () => ({ method: "POST", path: "/api/inbox/read", body: { all: true } }), expect: row(401, 200, 200, 200, 200, 200, 401, 401) },
  { name: "PUT /api/rooms/:id/mute", request: (w) => ({ method: "PUT", path: `/api/rooms/${w.room}/mute` }), expect: row(401, 404, 204, 204, 204, 204, 401, 401) },
  { name: "DELETE /api/rooms/:id/mute", request: (w) => ({ method: "DELETE", path: `/api/rooms/${w.room}/mute` }), expect: row(401, 404, 204, 204, 204, 204, 401, 401) },
  { name: "POST /api/rooms/:id/read", request: (w) => ({ method: "POST", path: `/api/rooms/${w.room}/read`, body: { seq: 1 } }), expect: row(401, 404, 200, 200, 200, 200, 401, 401) },
  {
    // The signed token is the credential: without it, 400 for everyone; with it, whoever sends it.
    name: "GET /api/unsubscribe (no token)",
    request: () => ({ method: "GET", path: "/api/unsubscribe" }),
    expect: row(400, 400, 400, 400, 400, 400, 401, 400),
  },
  {
    name: "POST /api/unsubscribe (with the invitee's token)",
    request: async (w) => ({ method: "POST", path: `/api/unsubscribe?token=${await unsubscribeToken(env as never, w.invitee.id)}` }),
    expect: row(200, 200, 200, 200, 200, 200, 401, 200),
  },
  // Presence and chat.
  { name: "GET /api/presence", request: () => ({ method: "GET", path: "/api/presence" }), expect: row(401, 200, 200, 200, 200, 200, 401, 401) },
  { name: "GET /api/search", request: () => ({ method: "GET", path: "/api/search?q=matrix" }), expect: row(401, 200, 200, 200, 200, 200, 401, 401) },
  { name: "POST /api/search/backfill", request: () => ({ method: "POST", path: "/api/search/backfill" }), expect: row(401, 403, 403, 403, 403, 202, 401, 401) },
  { name: "WS /api/chat", request: () => ({ method: "GET", path: "/api/chat", ws: true }), expect: row(401, 101, 101, 101, 101, 101, 401, 401) },
  { name: "WS /parties/room/:id", request: (w) => ({ method: "GET", path: `/parties/room/${w.room}`, ws: true }), expect: row(401, 404, 101, 101, 101, 101, 401, 401) },
  { name: "WS /parties/room/:id (public room)", request: (w) => ({ method: "GET", path: `/parties/room/${w.publicRoom}`, ws: true }), expect: row(401, 101, 101, 101, 101, 101, 401, 401) },
  // Files (the world's file is private, in the private room, uploaded by the owner).
  {
    name: "POST /api/upload (into the room)",
    request: (w) => ({ method: "POST", path: "/api/upload", rawBody: uploadForm({ roomId: w.room }) }),
    expect: row(401, 403, 403, 201, 201, 201, 401, 401),
  },
  {
    name: "POST /api/upload/multipart (into the room)",
    request: (w) => ({ method: "POST", path: "/api/upload/multipart", body: { name: "b.bin", size: 10, roomId: w.room } }),
    expect: row(401, 403, 403, 201, 201, 201, 401, 401),
  },
  {
    name: "PUT /api/upload/multipart/:id/parts/:n (the owner's upload)",
    request: async (w) => ({ method: "PUT", path: `/api/upload/multipart/${await freshMultipart(w, "owner")}/parts/1`, rawBody: "0123456789" }),
    expect: row(401, 404, 404, 404, 200, 404, 401, 401),
  },
  {
    name: "POST /api/upload/multipart/:id/complete (the owner's upload)",
    request: async (w) => ({
      method: "POST",
      path: `/api/upload/multipart/${await freshMultipart(w, "owner")}/complete`,
      body: { parts: [{ partNumber: 1, etag: "x" }] },
    }),
    // The owner reaches the upload and R2 refuses the made-up part: 400.
    expect: row(401, 404, 404, 404, 400, 404, 401, 401),
  },
  {
    name: "DELETE /api/upload/multipart/:id (the owner's upload)",
    request: async (w) => ({ method: "DELETE", path: `/api/upload/multipart/${await freshMultipart(w, "owner")}` }),
    expect: row(401, 404, 404, 404, 204, 404, 401, 401),
  },
  { name: "GET /api/files", request: () => ({ method: "GET", path: "/api/files" }), expect: row(401, 200, 200, 200, 200, 200, 401, 401) },
  { name: "GET /api/files?roomId=", request: (w) => ({ method: "GET", path: `/api/files?roomId=${w.room}` }), expect: row(401, 404, 200, 200, 200, 200, 401, 401) },
  { name: "GET /api/files/:id", request: (w) => ({ method: "GET", path: `/api/files/${w.file}` }), expect: row(404, 404, 200, 200, 200, 200, 401, 404) },
  { name: "GET /api/files/:id/meta", request: (w) => ({ method: "GET", path: `/api/files/${w.file}/meta` }), expect: row(404, 404, 200, 200, 200, 200, 401, 404) },
  // A text file has no thumbnail: 404 for everyone, but the lookup must not error or leak.
  { name: "GET /api/files/:id/thumbnail", request: (w) => ({ method: "GET", path: `/api/files/${w.file}/thumbnail` }), expect: row(404, 404, 404, 404, 404, 404, 401, 404) },
  {
    name: "DELETE /api/files/:id",
    request: async (w) => ({ method: "DELETE", path: `/api/files/${await freshFile(w)}` }),
    expect: row(404, 404, 403, 403, 204, 204, 401, 404),
  },
  // Admin areas.
  { name: "GET /api/cache/:key", request: (w) => ({ method: "GET", path: `/api/cache/${w.cacheKey}` }), expect: row(401, 403, 403, 403, 403, 200, 401, 401) },
  {
    name: "PUT /api/cache/:key",
    request: (w) => ({ method: "PUT", path: `/api/cache/${w.cacheKey}`, rawBody: "v", headers: { "content-type": "text/plain" } }),
    expect: row(401, 403, 403, 403, 403, 204, 401, 401),
  },
  { name: "DELETE /api/cache/:key", request: () => ({ method: "DELETE", path: "/api/cache/matrix-gone" }), expect: row(401, 403, 403, 403, 403, 204, 401, 401) },
  { name: "GET /api/jobs", request: () => ({ method: "GET", path: "/api/jobs" }), expect: row(401, 403, 403, 403, 403, 200, 401, 401) },
  { name: "GET /api/jobs/:id", request: () => ({ method: "GET", path: `/api/jobs/${crypto.randomUUID()}` }), expect: row(401, 403, 403, 403, 403, 404, 401, 401) },
  { name: "GET /api/outbox", request: () => ({ method: "GET", path: "/api/outbox" }), expect: row(401, 403, 403, 403, 403, 200, 401, 401) },
  // Events (src/api/events/): a room's feed for its viewers, the global feed for admins.
  { name: "GET /api/rooms/:id/events", request: (w) => ({ method: "GET", path: `/api/rooms/${w.room}/events` }), expect: row(404, 404, 200, 200, 200, 200, 401, 404) },
  { name: "GET /api/events", request: () => ({ method: "GET", path: "/api/events" }), expect: row(401, 403, 403, 403, 403, 200, 401, 401) },
  // Webhooks (src/api/webhooks/): a room's owners and admins; to anyone else a room's webhook does not exist.
  {
    name: "POST /api/webhooks (for the room)",
    request: async (w) => ({ method: "POST", path: "/api/webhooks", body: { url: "https://example.com/matrix-hook", roomId: (await webhookFixtures(w)).shared, events: ["matrix.never"] } }),
    expect: row(401, 404, 403, 403, 201, 201, 401, 401),
  },
  { name: "GET /api/webhooks", request: () => ({ method: "GET", path: "/api/webhooks" }), expect: row(401, 200, 200, 200, 200, 200, 401, 401) },
  { name: "GET /api/webhooks/:id", request: async (w) => ({ method: "GET", path: `/api/webhooks/${(await webhookFixtures(w)).hook}` }), expect: row(401, 404, 404, 404, 200, 200, 401, 401) },
  {
    name: "GET /api/webhooks/:id/deliveries",
    request: async (w) => ({ method: "GET", path: `/api/webhooks/${(await webhookFixtures(w)).hook}/deliveries` }),
    expect: row(401, 404, 404, 404, 200, 200, 401, 401),
  },
  {
    name: "PATCH /api/webhooks/:id",
    request: async (w) => ({ method: "PATCH", path: `/api/webhooks/${(await webhookFixtures(w)).hook}`, body: { paused: true } }),
    expect: row(401, 404, 404, 404, 200, 200, 401, 401),
  },
  {
    name: "POST /api/webhooks/:id/replay",
    request: async (w) => ({ method: "POST", path: `/api/webhooks/${(await webhookFixtures(w)).replayed}/replay`, body: { after: null } }),
    expect: row(401, 404, 404, 404, 202, 202, 401, 401),
  },
  {
    name: "DELETE /api/webhooks/:id",
    request: async (w) => ({ method: "DELETE", path: `/api/webhooks/${await webhookIn(w, (await webhookFixtures(w)).doomed)}` }),
    expect: row(401, 404, 404, 404, 204, 204, 401, 401),
  },
  {
    name: "POST /api/workflow/start (for the owner)",
    request: (w) => ({ method: "POST", path: "/api/workflow/start", body: { userId: w.users.owner.id } }),
    expect: row(401, 403, 403, 403, 202, 202, 401, 401),
  },
  {
    name: "GET /api/workflow/:instanceId (the owner's)",
    request: (w) => ({ method: "GET", path: `/api/workflow/${w.onboarding}` }),
    expect: row(401, 404, 404, 404, 200, 200, 401, 401),
  },
  // Last: signs the caller out (it revokes only the session it is called with).
  { name: "POST /api/auth/logout", request: () => ({ method: "POST", path: "/api/auth/logout" }), expect: row(204, 204, 204, 204, 204, 204, 401, 204) },
];

async function perform(request: Request, auth: Auth): Promise<number> {
  if (request.ws) {
    const { status, socket } = await rawConnect(request.path, auth);
    socket?.close(1000, "matrix");
    return status;
  }
  const response = await call(request.method, request.path, {
    auth,
    body: request.body,
    rawBody: request.rawBody,
    headers: request.headers,
  });
  if (response.status >= 400) {
    // Every refusal is the API's JSON error shape.
    const body = await response.json<{ error?: { code?: string } }>();
    expect(typeof body.error?.code).toBe("string");
  } else {
    await response.body?.cancel();
  }
  return response.status;
}

/** A session for `user` in a fresh login, so logging one cell out does not sign out the others. */
async function login(user: TestUser): Promise<Auth> {
  const response = await call("POST", "/api/auth/login", { body: { email: user.email, password: user.password } });
  expect(response.status).toBe(200);
  return { cookie: (response.headers.get("set-cookie") ?? "").split(";")[0]! };
}

beforeAll(async () => {
  const users = {
    outsider: await signUp("Outsider"),
    viewer: await signUp("Viewer"),
    editor: await signUp("Editor"),
    owner: await signUp("Owner"),
    // Not "Admin": names that read as staff are refused at signup.
    admin: await signUp("Boss"),
  };
  expect((await call("PATCH", `/api/users/${users.admin.id}`, { auth: admin, body: { role: "admin" } })).status).toBe(200);
  const invitee = await signUp("Invitee");
  const partial: Pick<World, "users"> = { users };
  const room = await freshRoom(partial as World);
  const publicRoom = (await createRoom(users.owner.auth, { visibility: "public" })).id;

  const revokedToken = await createToken(users.owner.auth);
  expect((await call("DELETE", `/api/tokens/${revokedToken.id}`, { auth: users.owner.auth })).status).toBe(204);
  const expired = await login(users.owner);
  const expiredId = await hashSecret("test-session-secret", expired.cookie!.split("=")[1]!);
  await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE id = ?").bind(Date.now() - 1, expiredId).run();

  const snapshot = await call("POST", `/api/rooms/${room}/snapshots`, { auth: users.owner.auth, body: { label: "matrix" } });
  expect(snapshot.status).toBe(201);
  const cacheKey = "matrix-key";
  expect((await call("PUT", `/api/cache/${cacheKey}`, { auth: admin, rawBody: "v", headers: { "content-type": "text/plain" } })).status).toBe(204);
  const started = await call("POST", "/api/workflow/start", { auth: admin, body: { userId: users.owner.id } });
  expect(started.status).toBe(202);

  world = {
    users,
    auth: {
      anon: {},
      outsider: users.outsider.auth,
      viewer: users.viewer.auth,
      editor: users.editor.auth,
      owner: users.owner.auth,
      admin: users.admin.auth,
      revoked: { token: revokedToken.secret },
      expired,
    },
    room,
    publicRoom,
    file: "",
    snapshot: (await json(snapshot)).snapshot.id,
    onboarding: (await json(started)).instanceId,
    invitee,
    cacheKey,
  };
  world.file = await freshFile(world);
});

describe("authorization matrix", () => {
  it("covers every documented route", async () => {
    const spec = await json(await call("GET", "/api/openapi.json"));
    const documented = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
    );
    const covered = new Set(ROUTES.map((r) => r.name.replace(/^WS /, "GET ").split(" (")[0]!));
    const missing = documented.filter((route) => !covered.has(route.replace(/:\w+/g, (m) => m)) && !coveredLoosely(covered, route));
    expect(missing).toEqual([]);
  });

  for (const route of ROUTES) {
    it(`${route.name}: ${CALLERS.map((c) => `${c} ${route.expect[c]}`).join(", ")}`, async () => {
      const got = {} as Expected;
      for (const caller of CALLERS) {
        // Logout revokes the session it is called with: give each caller a session of its own.
        const auth = route.name.startsWith("POST /api/auth/logout") && world.auth[caller].cookie && caller !== "expired"
          ? await login(world.users[caller as keyof World["users"]])
          : world.auth[caller];
        got[caller] = await perform(await route.request(world, caller), auth);
      }
      expect(got).toEqual(route.expect);
    });
  }
});

describe("regressions found by the matrix", () => {
  it("restoring a snapshot of a never-edited room empties the document (was a 500)", async () => {
    const owner = await signUp("Restorer");
    const room = await createRoom(owner.auth);
    const snapshot = (await json(await call("POST", `/api/rooms/${room.id}/snapshots`, { auth: owner.auth, body: {} }))).snapshot;
    const put = await call("PUT", `/api/rooms/${room.id}/document`, { auth: owner.auth, rawBody: "typed later", headers: { "content-type": "text/plain" } });
    expect(put.status).toBe(204);
    const restored = await call("POST", `/api/rooms/${room.id}/snapshots/${snapshot.id}/restore`, { auth: owner.auth });
    expect(restored.status).toBe(200);
    const text = await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth });
    expect((await text.text()).trim()).toBe("");
  });
});

/** Route names use `:param`; the spec may name parameters differently (`:sid` vs `:snapshotId`). */
function coveredLoosely(covered: Set<string>, route: string): boolean {
  const shape = (r: string) => r.replace(/:\w+/g, ":_");
  return [...covered].some((c) => shape(c) === shape(route));
}
