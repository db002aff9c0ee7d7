// GET /parties/room/:roomId with `Upgrade: websocket`: the room's live connection.
// Authorization happens here, before the upgrade reaches the object: no access means a
// 401/404 response and not a single document byte. The object then trusts the identity
// headers set below (client-sent copies are removed first).
import { Hono } from "hono";
import { getServerByName } from "partyserver";
import { TRUSTED_HEADERS, stripTrustedHeaders } from "../../rooms/identity.ts";
import { userSocketsStub } from "../../rooms/user-sockets.ts";
import { credentialOf } from "../auth/credential-of.ts";
import { assertSocketOrigin, mayWriteOverSocket } from "../auth/socket-guards.ts";
import type { AppEnv } from "../context.ts";
import { ApiError, notFound, unauthorized } from "../errors.ts";
import { idSchema, parseWith } from "../validation.ts";
import { roomAccess } from "../../core/access.ts";

export const roomSocketRoutes = new Hono<AppEnv>();

roomSocketRoutes.get("/room/:roomId", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "Connect with a WebSocket.");
  }
  const roomId = parseWith(idSchema, c.req.param("roomId"), "room id");
  const principal = c.get("principal");
  if (!principal) throw unauthorized();
  assertSocketOrigin(c, principal);
  const access = await roomAccess(c.env, roomId, principal);
  if (!access?.canView) throw notFound("Room");

  const url = new URL(c.req.url);
  url.searchParams.delete("token"); // never persist a credential in the socket's attachment
  const headers = new Headers(c.req.raw.headers);
  stripTrustedHeaders(headers);
  headers.delete("authorization");
  headers.delete("cookie");
  headers.set(TRUSTED_HEADERS.userId, principal.user?.id ?? "admin");
  headers.set(TRUSTED_HEADERS.userName, encodeURIComponent(principal.user?.name ?? "Admin"));
  headers.set(TRUSTED_HEADERS.role, access.canEdit && mayWriteOverSocket(principal) ? "editor" : "viewer");
  headers.set(TRUSTED_HEADERS.credential, credentialOf(principal));
  headers.set(TRUSTED_HEADERS.scope, mayWriteOverSocket(principal) ? "write" : "read");
  // Before the upgrade, so a revocation from now on knows to look in this room.
  if (principal.user) await userSocketsStub(c.env, principal.user.id).note(roomId);

  const room = await getServerByName(c.env.ROOM as unknown as Parameters<typeof getServerByName>[0], roomId);
  return room.fetch(new Request(url, { headers }));
});
