// GET /api/chat: the presence & chat WebSocket. The Worker authenticates the user, then hands
// the upgrade to the global Presence object with a signed identity (src/core/identity.ts).
import { Hono } from "hono";
import { withIdentity } from "../../core/identity.ts";
import { presenceStub } from "../../presence/stub.ts";
import { credentialOf } from "../auth/credential-of.ts";
import { requireUser } from "../auth/guards.ts";
import type { AppEnv } from "../context.ts";
import { assertSocketOrigin, mayWriteOverSocket } from "../auth/socket-guards.ts";
import { ApiError, forbidden } from "../errors.ts";
import { documentRoute } from "../openapi.ts";

export const chatSocketRoutes = new Hono<AppEnv>();

documentRoute({
  method: "get",
  path: "/api/chat",
  summary: "Presence & chat WebSocket (protocol: src/shared/chat-protocol.ts)",
  auth: "signed in user (cookie, or ?token= for scripts)",
  responses: { 101: "Switching protocols", 401: "Not signed in", 426: "Not a WebSocket upgrade" },
});
chatSocketRoutes.get("/", async (c) => {
  // Authorize before upgrading: a rejected upgrade is a plain JSON 401, never a 101 then close.
  const principal = requireUser(c);
  const { user, isAdmin } = principal;
  assertSocketOrigin(c, principal);
  // Presence and chat are interactive (joining announces you): a read-only token cannot join.
  if (!mayWriteOverSocket(principal)) throw forbidden('Joining chat needs a token with the "write" scope.');
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "Connect with a WebSocket upgrade.");
  }
  const headers = await withIdentity(c.env, c.req.raw.headers, { id: user.id, name: user.name, isAdmin, credential: credentialOf(principal) });
  const url = new URL(c.req.url);
  url.searchParams.delete("token"); // never keep a credential with the socket
  return presenceStub(c.env).fetch(new Request(url, { headers }));
});
