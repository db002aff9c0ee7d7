// CORS for the API: the SPA is served from another origin in dev (Bun's server) and
// possibly in production, so allowed origins are explicit and credentials are allowed
// only for them. Anything else gets no CORS headers and the browser blocks it.
import { cors } from "hono/cors";
import { config } from "../core/config.ts";
import type { Env } from "../env.ts";

const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

export function allowedOrigin(origin: string, env: Env): string | null {
  if (!origin) return null;
  const { ALLOWED_ORIGINS, APP_ENV } = config(env);
  if (ALLOWED_ORIGINS.includes(origin)) return origin;
  if (APP_ENV === "development" && LOCAL_ORIGIN.test(origin)) return origin;
  return null;
}

/** The API's own origin or an allowed one: who may act with a user's cookie. */
export function isTrustedOrigin(origin: string, requestUrl: string, env: Env): boolean {
  return origin === new URL(requestUrl).origin || allowedOrigin(origin, env) !== null;
}

export const apiCors = cors({
  origin: (origin, c) => allowedOrigin(origin, c.env as Env),
  credentials: true,
  allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  allowHeaders: ["Content-Type", "Authorization", "Range", "If-None-Match"],
  exposeHeaders: ["Content-Length", "Content-Range", "ETag", "Retry-After"],
  maxAge: 600,
});
