// GET /parties/room/:roomId with `Upgrade: websocket`: the room's live connection.
// Authorization happens here, before the upgrade reaches the object: no access means a
// 401/404 response and not a single document byte. The object accepts only the identity and
// role signed below for this room (src/core/identity.ts; client-sent copies are removed first).
import { Hono } from "hono";
import { endTime, startTime } from "hono/timing";
import { getServerByName } from "partyserver";
import { userSocketsStub } from "../../rooms/stub.ts";
import { credentialOf } from "../auth/credential-of.ts";
import { assertSocketOrigin, mayWriteOverSocket } from "../auth/socket-guards.ts";
import { takePrefetchedAccess } from "../auth/guards.ts";
import type { AppEnv } from "../context.ts";
import { ApiError, notFound, unauthorized } from "../errors.ts";
import { idSchema, parseWith } from "../validation.ts";
import { connectionRoleFor, roomAccess } from "../../core/access.ts";
import { roomAudience, withIdentity } from "../../core/identity.ts";

export const roomSocketRoutes = new Hono<AppEnv>();

roomSocketRoutes.get("/room/:roomId", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "Connect with a WebSocket.");
  }
  const roomId = parseWith(idSchema, c.req.param("roomId"), "room id");
  const principal = c.get("principal");
  if (!principal) throw unauthorized();
  assertSocketOrigin(c, principal);
  const mayWrite = mayWriteOverSocket(principal);
  // The registry of the user's socket rooms is told before the upgrade (a revocation from now on
  // looks in this room), alongside the access check: a room noted but refused costs nothing.
  startTime(c, "access", "socket registry (and room access if not read with the sign-in)");
  // Read at the same time as the sign-in (authenticate), unless this request somehow lacks it.
  const prefetched = takePrefetchedAccess(c, roomId);
  const [access] = await Promise.all([
    prefetched !== undefined ? prefetched : roomAccess(c.env, roomId, principal),
    principal.user ? userSocketsStub(c.env, principal.user.id).note(roomId) : null,
  ]);
  endTime(c, "access");
  // Null: may not see the room at all.
  const role = access && connectionRoleFor(access, mayWrite);
  if (!role) throw notFound("Room");

  const url = new URL(c.req.url);
  url.searchParams.delete("token"); // never persist a credential in the socket's attachment
  const who = {
    id: principal.user?.id ?? "admin",
    name: principal.user?.name ?? "Admin",
    isAdmin: principal.isAdmin,
    credential: credentialOf(principal),
    role,
    readOnlyScope: !mayWrite,
  };
  const headers = await withIdentity(c.env, c.req.raw.headers, who, roomAudience(roomId));
  headers.delete("authorization");
  headers.delete("cookie");

  startTime(c, "room", "room object: start + read + connect (the document is applied after)");
  const room = await getServerByName(c.env.ROOM as unknown as Parameters<typeof getServerByName>[0], roomId);
  const upstream = await room.fetch(new Request(url, { headers }));
  endTime(c, "room");
  // A fetched response's headers are immutable: a copy takes the Server-Timing header.
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: upstream.headers, webSocket: upstream.webSocket });
});
