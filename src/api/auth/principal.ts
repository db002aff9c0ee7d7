// Who is calling: resolved once per request from a Bearer token, the admin token
// or the session cookie, and read by every route through `c.get("principal")`.
import { and, eq, gt, isNull, or } from "drizzle-orm";
import { getCookie } from "hono/cookie";
import { apiTokens, sessions, users, type User } from "../../db/schema.ts";
import { timingSafeEqual } from "../../shared/crypto.ts";
import { shownName } from "../../shared/display-name.ts";
import type { AppContext } from "../context.ts";
import { database } from "../../core/db.ts";
import { hashSecret } from "../../core/secrets.ts";

export const SESSION_COOKIE = "roomful_session";
export const TOKEN_PREFIX = "rf_";

export const TOKEN_SCOPES = ["read", "write", "cache"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export type Principal = {
  /** Null only for the bootstrap ADMIN_TOKEN, which acts as no particular user. */
  user: User | null;
  isAdmin: boolean;
  via: "session" | "token" | "admin-token";
  scopes: ReadonlySet<TokenScope>;
  sessionId?: string;
  tokenId?: string;
};

const ALL_SCOPES: ReadonlySet<TokenScope> = new Set(TOKEN_SCOPES);

function bearerFrom(c: AppContext, allowQueryToken: boolean): string | undefined {
  const header = c.req.header("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1] ?? "";
  }
  // Browsers cannot set headers on a WebSocket, so scripts may pass ?token= there, and only
  // there (the caller decides: the two socket routes): query strings end up in logs.
  return allowQueryToken ? c.req.query("token") : undefined;
}

/** Names saved before the display-name rules reach sockets and chat cleaned (src/shared/display-name.ts). */
const withShownName = (user: User): User => ({ ...user, name: shownName(user.name) });

/**
 * Returns the caller, `null` when anonymous, or `"invalid"` when credentials were
 * sent but are wrong (a bad token must not silently become anonymous access).
 */
export async function resolvePrincipal(
  c: AppContext,
  options: { allowQueryToken: boolean },
): Promise<Principal | null | "invalid"> {
  const env = c.env;
  const bearer = bearerFrom(c, options.allowQueryToken);
  const now = Date.now();
  if (bearer !== undefined) {
    if (env.ADMIN_TOKEN && timingSafeEqual(bearer, env.ADMIN_TOKEN)) {
      return { user: null, isAdmin: true, via: "admin-token", scopes: ALL_SCOPES };
    }
    if (!bearer.startsWith(TOKEN_PREFIX)) return "invalid";
    const tokenHash = await hashSecret(env.SESSION_SECRET, bearer);
    const [row] = await database(env)
      .select({ token: apiTokens, user: users })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, tokenHash), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))))
      .limit(1);
    if (!row) return "invalid";
    // Record use at most once a minute, off the request's critical path.
    if (!row.token.lastUsedAt || now - row.token.lastUsedAt > 60_000) {
      c.executionCtx.waitUntil(
        database(env).update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id)).then(() => {}),
      );
    }
    return {
      user: withShownName(row.user),
      isAdmin: row.user.role === "admin",
      via: "token",
      scopes: new Set(row.token.scopes.filter((s): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s))),
      tokenId: row.token.id,
    };
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie) return null;
  const sessionId = await hashSecret(env.SESSION_SECRET, cookie);
  const [row] = await database(env)
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, now)))
    .limit(1);
  // An expired or revoked cookie is just anonymous: the browser will be asked to sign in.
  if (!row) return null;
  return { user: withShownName(row.user), isAdmin: row.user.role === "admin", via: "session", scopes: ALL_SCOPES, sessionId };
}
