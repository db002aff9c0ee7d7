// Who is calling: resolved once per request from a Bearer token, the admin token
// or the session cookie, and read by every route through `c.get("principal")`.
import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import { getCookie } from "hono/cookie";
import { apiTokens, sessions, users, type User } from "../../db/schema.ts";
import { timingSafeEqual } from "../../shared/crypto.ts";
import { shownName } from "../../shared/display-name.ts";
import type { AppContext } from "../context.ts";
import { database } from "../../core/db.ts";
import { hashSecret } from "../../core/secrets.ts";
import { type RoomAndRole, roomAndRoleQuery } from "../../core/access.ts";

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

/** A credential's user id as SQL, for the room lookup read beside the sign-in. */
const userOfToken = (tokenHash: string) => sql`(SELECT ${apiTokens.userId} FROM ${apiTokens} WHERE ${apiTokens.tokenHash} = ${tokenHash})`;
const userOfSession = (sessionId: string) => sql`(SELECT ${sessions.userId} FROM ${sessions} WHERE ${sessions.id} = ${sessionId})`;

export type ResolvedCaller = {
  /** The caller, `null` when anonymous, or `"invalid"` when credentials were sent but are wrong. */
  principal: Principal | null | "invalid";
  /** With `roomId`: that room and the caller's role in it (null: no such room), read with the sign-in. */
  room?: RoomAndRole | null;
};

/**
 * Resolves the caller (a bad token must not silently become anonymous access). With `roomId`
 * (a room route), the room and the caller's role in it are read at the same time as the
 * credential, keyed by the same credential: one D1 round trip's wait instead of two in a row.
 * (Not a D1 batch: drizzle maps a batched join's rows by column name, and sessions and users
 * share some, so the user came back with the session's id.)
 */
export async function resolvePrincipal(
  c: AppContext,
  options: { allowQueryToken: boolean; roomId?: string },
): Promise<ResolvedCaller> {
  const env = c.env;
  const { roomId } = options;
  const bearer = bearerFrom(c, options.allowQueryToken);
  const now = Date.now();
  /** The room as an anonymous caller sees it (no credential to key the membership on). */
  const roomForNobody = async () => (roomId === undefined ? undefined : ((await roomAndRoleQuery(env, roomId, ""))[0] ?? null));
  if (bearer !== undefined) {
    if (env.ADMIN_TOKEN && timingSafeEqual(bearer, env.ADMIN_TOKEN)) {
      return { principal: { user: null, isAdmin: true, via: "admin-token", scopes: ALL_SCOPES }, room: await roomForNobody() };
    }
    if (!bearer.startsWith(TOKEN_PREFIX)) return { principal: "invalid" };
    const tokenHash = await hashSecret(env.SESSION_SECRET, bearer);
    const tokenQuery = database(env)
      .select({ token: apiTokens, user: users })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, tokenHash), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))))
      .limit(1);
    const [[row], roomRows] = await Promise.all([tokenQuery, roomId === undefined ? [] : roomAndRoleQuery(env, roomId, userOfToken(tokenHash))]);
    if (!row) return { principal: "invalid" };
    const room = roomId === undefined ? undefined : (roomRows[0] ?? null);
    // Record use at most once a minute, off the request's critical path.
    if (!row.token.lastUsedAt || now - row.token.lastUsedAt > 60_000) {
      c.executionCtx.waitUntil(
        database(env).update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id)).then(() => {}),
      );
    }
    const principal: Principal = {
      user: withShownName(row.user),
      isAdmin: row.user.role === "admin",
      via: "token",
      scopes: new Set(row.token.scopes.filter((s): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s))),
      tokenId: row.token.id,
    };
    return { principal, room };
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie) return { principal: null, room: await roomForNobody() };
  const sessionId = await hashSecret(env.SESSION_SECRET, cookie);
  const sessionQuery = database(env)
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, now)))
    .limit(1);
  const [[row], roomRows] = await Promise.all([sessionQuery, roomId === undefined ? [] : roomAndRoleQuery(env, roomId, userOfSession(sessionId))]);
  // An expired or revoked cookie is just anonymous (the browser will be asked to sign in). Its
  // room row was keyed on a user who is not the caller, so the room is read again for nobody.
  if (!row) return { principal: null, room: await roomForNobody() };
  const room = roomId === undefined ? undefined : (roomRows[0] ?? null);
  return {
    principal: { user: withShownName(row.user), isAdmin: row.user.role === "admin", via: "session", scopes: ALL_SCOPES, sessionId },
    room,
  };
}
