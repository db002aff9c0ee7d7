// Extra checks for WebSocket upgrades, which are GETs and so pass the REST scope check.
import type { AppContext } from "../context.ts";
import { allowedOrigin } from "../cors.ts";
import { forbidden } from "../errors.ts";
import type { Principal } from "./principal.ts";

/** A token without the "write" scope may read over a socket, never write. */
export function mayWriteOverSocket(principal: Principal): boolean {
  return principal.via !== "token" || principal.scopes.has("write");
}

/**
 * Cross-site WebSocket hijacking guard: browsers attach the session cookie to upgrades from
 * any page, so a cookie-authenticated upgrade must come from our own or an allowed origin.
 * Scripts (bearer tokens) send no Origin and are not affected.
 */
export function assertSocketOrigin(c: AppContext, principal: Principal): void {
  if (principal.via !== "session") return;
  const origin = c.req.header("origin");
  if (!origin) return;
  if (origin === new URL(c.req.url).origin || allowedOrigin(origin, c.env)) return;
  throw forbidden("This origin may not open a socket with your session.");
}
