// /api/cache/:key: a small key-value store on KV for admin scripts. Values keep their
// content type; keys are namespaced so they can never touch the app's own cache entries.
import { Hono } from "hono";
import { z } from "zod";
import { requirePrincipal } from "../auth/guards.ts";
import type { AppContext, AppEnv } from "../context.ts";
import { MAX_CACHE_VALUE_BYTES } from "../body-limits.ts";
import { ApiError, forbidden, notFound } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { readBytes, readParams, readQuery } from "../validation.ts";

export const cacheRoutes = new Hono<AppEnv>();

const PREFIX = "script:";
const keyParams = z.object({
  key: z
    .string()
    .min(1)
    .max(256) // KV allows 512 bytes; the prefix and headroom stay well inside
    .regex(/^[\w.:-]+$/, "Keys may use letters, digits, '_', '-', '.' and ':'."),
});
const putQuery = z.object({
  // KV refuses expirationTtl below 60 seconds.
  ttl: z.coerce.number().int().min(60, "ttl must be at least 60 seconds (KV's minimum).").max(365 * 86_400).optional(),
});

/**
 * Admins (signed in, or the bootstrap token), or a token with the "cache" scope, which only
 * admins can mint (src/api/tokens/token-routes.ts): the cache is one namespace shared by admin
 * scripts, so an ordinary user must not be able to write into it. An admin's token without
 * the scope is refused: scripts get only what they were given. The token's owner must still be
 * an admin at each use (read fresh from D1 with the token): demotion ends a cache token's reach.
 */
function requireCacheAccess(c: AppContext): void {
  const principal = requirePrincipal(c);
  if (principal.via === "token") {
    if (principal.scopes.has("cache") && principal.isAdmin) return;
  } else if (principal.isAdmin) {
    return;
  }
  throw forbidden('The cache needs an admin or a token with the "cache" scope.');
}

documentRoute({
  method: "get",
  path: "/api/cache/:key",
  summary: "Read a cached value (served with its content type)",
  auth: 'admin or token with "cache" scope',
  responses: { 200: "The value", 404: "Not cached" },
});
cacheRoutes.get("/:key", async (c) => {
  requireCacheAccess(c);
  const { key } = readParams(c, keyParams);
  const { value, metadata } = await c.env.CACHE.getWithMetadata<{ contentType?: string }>(PREFIX + key, "arrayBuffer");
  if (value === null) throw notFound("Cache entry");
  return new Response(value, {
    headers: {
      "Content-Type": metadata?.contentType ?? "application/octet-stream",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
      // Stored values are script-supplied: never let one run as a page on the API's origin.
      "Content-Security-Policy": "sandbox; default-src 'none'",
    },
  });
});

documentRoute({
  method: "put",
  path: "/api/cache/:key",
  summary: "Store the body under a key, optionally expiring after ?ttl= seconds (>= 60)",
  auth: 'admin or token with "cache" scope',
  query: putQuery,
  responses: { 204: "Stored", 400: "Bad key or ttl", 413: "Value over 1 MiB" },
});
cacheRoutes.put("/:key", async (c) => {
  requireCacheAccess(c);
  const { key } = readParams(c, keyParams);
  const { ttl } = readQuery(c, putQuery);
  const value = await readBytes(c, MAX_CACHE_VALUE_BYTES);
  if (value.byteLength === 0) throw new ApiError(400, "bad_request", "Send the value as the request body.");
  const contentType = c.req.header("content-type") ?? "application/octet-stream";
  await c.env.CACHE.put(PREFIX + key, value, { metadata: { contentType }, ...(ttl && { expirationTtl: ttl }) });
  return c.body(null, 204);
});

documentRoute({
  method: "delete",
  path: "/api/cache/:key",
  summary: "Forget a cached value",
  auth: 'admin or token with "cache" scope',
  responses: { 204: "Gone (or never there)" },
});
cacheRoutes.delete("/:key", async (c) => {
  requireCacheAccess(c);
  const { key } = readParams(c, keyParams);
  await c.env.CACHE.delete(PREFIX + key);
  return c.body(null, 204);
});
