// /api/auth: cookie sessions for the browser. Sessions live in D1 so they can be
// listed, expired and revoked server-side; the cookie holds only a random id.
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { sessions, users } from "../../db/schema.ts";
import { randomToken } from "../../shared/crypto.ts";
import type { AppEnv } from "../context.ts";
import { config } from "../../core/config.ts";
import { database } from "../../core/db.ts";
import { ApiError } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { presentUser } from "../users/present.ts";
import { loginBody } from "../users/schemas.ts";
import { readJson } from "../validation.ts";
import { requirePrincipal, requireUser } from "./guards.ts";
import { assertLoginAllowed, clearLoginFailures, recordLoginFailure } from "./login-limits.ts";
import { burnPasswordCheck, verifyPassword } from "./password.ts";
import { SESSION_COOKIE } from "./principal.ts";
import { closeSockets } from "./revoke.ts";
import { hashSecret } from "../../core/secrets.ts";

const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
export const authRoutes = new Hono<AppEnv>();

function cookieOptions(env: AppEnv["Bindings"], maxAgeSeconds?: number) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "Lax" as const,
    // Plain-http localhost in dev cannot carry Secure cookies; everywhere else they are Secure.
    secure: config(env).APP_ENV !== "development",
    ...(maxAgeSeconds !== undefined && { maxAge: maxAgeSeconds }),
  };
}

documentRoute({
  method: "post",
  path: "/api/auth/login",
  summary: "Sign in; sets the session cookie",
  auth: "public",
  body: loginBody,
  responses: { 200: "{ user }", 401: "Wrong email or password", 429: "Too many failures" },
});
authRoutes.post("/login", async (c) => {
  const body = await readJson(c, loginBody);
  const keys = { account: body.email, address: c.req.header("cf-connecting-ip") ?? "local" };
  await assertLoginAllowed(c, keys);
  const [user] = await database(c.env).select().from(users).where(eq(users.email, body.email)).limit(1);
  const valid = user ? await verifyPassword(body.password, user.passwordHash) : (await burnPasswordCheck(body.password), false);
  if (!user || !valid) {
    await recordLoginFailure(c.env, keys);
    throw new ApiError(401, "invalid_credentials", "Wrong email or password.");
  }
  await clearLoginFailures(c.env, keys);
  const secret = randomToken();
  const now = Date.now();
  await database(c.env)
    .insert(sessions)
    .values({
      id: await hashSecret(c.env.SESSION_SECRET, secret),
      userId: user.id,
      createdAt: now,
      expiresAt: now + SESSION_TTL_MS,
      userAgent: c.req.header("user-agent")?.slice(0, 300) ?? null,
    });
  setCookie(c, SESSION_COOKIE, secret, cookieOptions(c.env, SESSION_TTL_MS / 1000));
  return c.json({ user: presentUser(user) });
});

documentRoute({
  method: "post",
  path: "/api/auth/logout",
  summary: "Sign out; revokes the session",
  auth: "signed in (cookie)",
  responses: { 204: "Signed out" },
});
authRoutes.post("/logout", async (c) => {
  const principal = c.get("principal");
  if (principal?.sessionId) {
    await database(c.env).delete(sessions).where(eq(sessions.id, principal.sessionId));
    // The session's open room and chat sockets close too (4403), in this tab and any other.
    if (principal.user) await closeSockets(c.env, principal.user.id, { credential: `session:${principal.sessionId}` });
  }
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c.env));
  return c.body(null, 204);
});

documentRoute({
  method: "get",
  path: "/api/auth/me",
  summary: "The signed-in user",
  auth: "signed in",
  responses: { 200: "{ user, via }", 401: "Not signed in" },
});
authRoutes.get("/me", (c) => {
  const principal = requirePrincipal(c);
  if (!principal.user) return c.json({ user: null, isAdmin: true, via: principal.via });
  const { user } = requireUser(c);
  return c.json({ user: presentUser(user), isAdmin: principal.isAdmin, via: principal.via });
});
