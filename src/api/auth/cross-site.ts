// CSRF guard: browsers attach the session cookie to requests from any page, and SameSite=Lax
// still lets a form or a simple fetch from a sibling site through. A cookie-authenticated write
// must come from the API's own or an allowed origin. Bearer tokens are never sent by a
// browser on its own, so scripts are not affected.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context.ts";
import { isTrustedOrigin } from "../cors.ts";
import { ApiError } from "../errors.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const refuseCrossSiteWrites = createMiddleware<AppEnv>(async (c, next) => {
  if (SAFE_METHODS.has(c.req.method) || c.get("principal")?.via !== "session") return next();
  const origin = c.req.header("origin");
  // Browsers send Origin on every cross-origin write (and "null" from sandboxes and some
  // redirects, which no allow-list holds). Without one, Fetch Metadata still tells a
  // cross-site request apart; a request with neither is not from a browser page.
  const trusted = origin !== undefined ? isTrustedOrigin(origin, c.req.url, c.env) : c.req.header("sec-fetch-site") !== "cross-site";
  if (!trusted) throw new ApiError(403, "cross_origin", "This page's origin may not act with your session.");
  await next();
});
