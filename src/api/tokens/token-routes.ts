// /api/tokens: personal API tokens for scripts. The token is shown once at creation;
// only its HMAC is stored.
import { and, desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { apiTokens } from "../../db/schema.ts";
import { newId, randomToken } from "../../shared/crypto.ts";
import type { AppEnv } from "../context.ts";
import { database } from "../../core/db.ts";
import { forbidden, notFound } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { idParams, readJson, readParams } from "../validation.ts";
import { requireSession, requireUser } from "../auth/guards.ts";
import { TOKEN_PREFIX, TOKEN_SCOPES } from "../auth/principal.ts";
import { closeSockets } from "../auth/revoke.ts";
import { hashSecret } from "../../core/secrets.ts";

export const tokenRoutes = new Hono<AppEnv>();

const createTokenBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).max(TOKEN_SCOPES.length).default(["read", "write"]),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

function presentToken(row: typeof apiTokens.$inferSelect) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    createdAt: iso(row.createdAt),
    lastUsedAt: iso(row.lastUsedAt),
    expiresAt: iso(row.expiresAt),
  };
}

documentRoute({
  method: "post",
  path: "/api/tokens",
  summary: "Create a personal API token (shown once)",
  auth: "signed in",
  body: createTokenBody,
  responses: { 201: "{ token: { ..., secret } }" },
});
tokenRoutes.post("/", async (c) => {
  const principal = requireSession(c);
  const { user } = principal;
  const body = await readJson(c, createTokenBody);
  // The shared KV cache is an admin tool: only admins hand out its scope.
  if (body.scopes.includes("cache") && !principal.isAdmin) throw forbidden('Only admins may create tokens with the "cache" scope.');
  const secret = `${TOKEN_PREFIX}${randomToken()}`;
  const now = Date.now();
  const [row] = await database(c.env)
    .insert(apiTokens)
    .values({
      id: newId(),
      userId: user.id,
      name: body.name,
      tokenHash: await hashSecret(c.env.SESSION_SECRET, secret),
      scopes: [...new Set(body.scopes)],
      createdAt: now,
      expiresAt: body.expiresInDays ? now + body.expiresInDays * 86_400_000 : null,
    })
    .returning();
  return c.json({ token: { ...presentToken(row!), secret } }, 201);
});

documentRoute({
  method: "get",
  path: "/api/tokens",
  summary: "List your tokens (never their secrets)",
  auth: "signed in",
  responses: { 200: "{ tokens }" },
});
tokenRoutes.get("/", async (c) => {
  const { user } = requireUser(c);
  const rows = await database(c.env)
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.userId, user.id))
    .orderBy(desc(apiTokens.createdAt));
  return c.json({ tokens: rows.map(presentToken) });
});

documentRoute({
  method: "delete",
  path: "/api/tokens/:id",
  summary: "Revoke a token",
  auth: "the token's owner",
  responses: { 204: "Revoked", 404: "No such token of yours" },
});
tokenRoutes.delete("/:id", async (c) => {
  const { user } = requireSession(c);
  const { id } = readParams(c, idParams);
  const deleted = await database(c.env)
    .delete(apiTokens)
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, user.id)))
    .returning({ id: apiTokens.id });
  if (deleted.length === 0) throw notFound("Token");
  await closeSockets(c.env, user.id, { credential: `token:${id}` });
  return c.body(null, 204);
});
