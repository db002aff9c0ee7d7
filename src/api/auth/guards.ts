// Authorization helpers every route calls; none of them trust the client.
import { createMiddleware } from "hono/factory";
import type { User } from "../../db/schema.ts";
import type { AppContext, AppEnv } from "../context.ts";
import { forbidden, unauthorized } from "../errors.ts";
import { type Principal, resolvePrincipal, type TokenScope } from "./principal.ts";
import { accessFromRow, type RoomAccess } from "../../core/access.ts";

/** The two WebSocket routes, where browsers cannot set an Authorization header. */
const QUERY_TOKEN_ROUTES = [/^\/parties\/room\/[^/]+$/, /^\/api\/chat\/?$/];

/** `?token=` authenticates only a GET upgrade to a socket route, nothing else. */
function mayUseQueryToken(c: AppContext): boolean {
  return (
    c.req.method === "GET" &&
    c.req.header("upgrade")?.toLowerCase() === "websocket" &&
    QUERY_TOKEN_ROUTES.some((route) => route.test(c.req.path))
  );
}

/** A room's own routes and its socket: the room is read at the same time as the caller's sign-in. */
const ROOM_ROUTE = /^\/(?:api\/rooms|parties\/room)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/i;

/** Resolves the caller for every request; bad credentials are a 401, never anonymous. */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const roomId = ROOM_ROUTE.exec(c.req.path)?.[1];
  const { principal, room } = await resolvePrincipal(c, { allowQueryToken: mayUseQueryToken(c), roomId });
  if (principal === "invalid") throw unauthorized("The token is not valid.");
  // Tokens are scoped: a read-only token may only read.
  if (principal && principal.via === "token") {
    const needed: TokenScope = ["GET", "HEAD", "OPTIONS"].includes(c.req.method) ? "read" : "write";
    if (!principal.scopes.has(needed)) throw forbidden(`This token lacks the "${needed}" scope.`);
  }
  c.set("principal", principal);
  if (roomId !== undefined && room !== undefined) c.set("prefetchedRoom", { roomId, access: accessFromRow(room ?? undefined, principal) });
  await next();
});

/**
 * The caller's access to `roomId` as read with their sign-in, once: the first lookup of a request
 * takes it, later ones (after a change the route made) read D1 again. Undefined: not prefetched.
 */
export function takePrefetchedAccess(c: AppContext, roomId: string): RoomAccess | null | undefined {
  const prefetched = c.get("prefetchedRoom");
  if (!prefetched || prefetched.roomId !== roomId) return undefined;
  c.set("prefetchedRoom", undefined);
  return prefetched.access;
}

export function optionalPrincipal(c: AppContext): Principal | null {
  return c.get("principal") ?? null;
}

export function requirePrincipal(c: AppContext): Principal {
  const principal = c.get("principal");
  if (!principal) throw unauthorized();
  return principal;
}

/** A caller that is a real user (the bootstrap admin token is not one). */
export function requireUser(c: AppContext): Principal & { user: User } {
  const principal = requirePrincipal(c);
  if (!principal.user) throw forbidden("This action needs a user account, not the bootstrap admin token.");
  return principal as Principal & { user: User };
}

/** Credentials are managed from a signed-in browser session, never with a token. */
export function requireSession(c: AppContext): Principal & { user: User } {
  const principal = requireUser(c);
  if (principal.via !== "session") throw forbidden("Manage tokens and passwords from a signed-in session.");
  return principal;
}

export function requireAdmin(c: AppContext): Principal {
  const principal = requirePrincipal(c);
  if (!principal.isAdmin) throw forbidden("Admins only.");
  return principal;
}

/** The user themselves or an admin. */
export function requireSelfOrAdmin(c: AppContext, userId: string): Principal {
  const principal = requirePrincipal(c);
  if (!principal.isAdmin && principal.user?.id !== userId) throw forbidden();
  return principal;
}
