// /api/users: signup (public), listing (admins), and each account (the user or an admin).
import { and, asc, eq, or } from "drizzle-orm";
import { Hono } from "hono";
import { users } from "../../db/schema.ts";
import { newId } from "../../shared/crypto.ts";
import { requireAdmin, requireSelfOrAdmin } from "../auth/guards.ts";
import { hashPassword, verifyPassword } from "../auth/password.ts";
import { revokeOtherCredentials } from "../auth/revoke.ts";
import type { AppEnv } from "../context.ts";
import { database, isUniqueViolation } from "../../core/db.ts";
import { ApiError, conflict, forbidden, notFound } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { newerThan, pageOf, readCursor } from "../pagination.ts";
import { idParams, pageQuery, readJson, readParams, readQuery } from "../validation.ts";
import { presentUser } from "./present.ts";
import { applyDemotion } from "./demotion.ts";
import { deleteAccount } from "./delete-account.ts";
import { deleteAccountBody, signupBody, updateUserBody } from "./schemas.ts";
import { afterSignup } from "./signup-hooks.ts";

export const userRoutes = new Hono<AppEnv>();

documentRoute({
  method: "post",
  path: "/api/users",
  summary: "Sign up",
  auth: "public",
  body: signupBody,
  responses: { 201: "{ user, onboarding: { instanceId } | null }", 400: "Invalid body", 409: "Email already registered" },
});
userRoutes.post("/", async (c) => {
  const body = await readJson(c, signupBody);
  const now = Date.now();
  const user = {
    id: newId(),
    name: body.name,
    email: body.email,
    passwordHash: await hashPassword(body.password),
    role: "user" as const,
    notify: "all" as const,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await database(c.env).insert(users).values(user);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("That email is already registered.");
    throw error;
  }
  const instanceId = await afterSignup(c.env, user.id);
  return c.json({ user: presentUser(user), onboarding: instanceId ? { instanceId } : null }, 201);
});

documentRoute({
  method: "get",
  path: "/api/users",
  summary: "List users (paginated)",
  auth: "admin",
  query: pageQuery,
  responses: { 200: "{ users, nextCursor }", 403: "Not an admin" },
});
userRoutes.get("/", async (c) => {
  requireAdmin(c);
  const { limit, cursor } = readQuery(c, pageQuery);
  const after = readCursor(cursor);
  const rows = await database(c.env)
    .select()
    .from(users)
    .where(
      newerThan(users, after),
    )
    .orderBy(asc(users.createdAt), asc(users.id))
    .limit(limit + 1);
  const { page, nextCursor } = pageOf(rows, limit, (row) => row);
  return c.json({ users: page.map(presentUser), nextCursor });
});

async function findUser(c: Parameters<typeof requireAdmin>[0], id: string) {
  const [user] = await database(c.env).select().from(users).where(eq(users.id, id)).limit(1);
  if (!user) throw notFound("User");
  return user;
}

documentRoute({
  method: "get",
  path: "/api/users/:id",
  summary: "Get a user",
  auth: "the user or an admin",
  responses: { 200: "{ user }", 403: "Someone else's account", 404: "No such user" },
});
userRoutes.get("/:id", async (c) => {
  const { id } = readParams(c, idParams);
  requireSelfOrAdmin(c, id);
  return c.json({ user: presentUser(await findUser(c, id)) });
});

documentRoute({
  method: "patch",
  path: "/api/users/:id",
  summary: "Update a user (role: admins only)",
  auth: "the user or an admin",
  body: updateUserBody,
  responses: { 200: "{ user }", 403: "Not allowed", 404: "No such user", 409: "Email taken" },
});
userRoutes.patch("/:id", async (c) => {
  const { id } = readParams(c, idParams);
  const principal = requireSelfOrAdmin(c, id);
  const body = await readJson(c, updateUserBody);
  if (body.role !== undefined && !principal.isAdmin) throw forbidden("Only admins change roles.");
  const user = await findUser(c, id);
  const changesCredentials = body.email !== undefined || body.password !== undefined;
  if (changesCredentials && !principal.isAdmin) {
    // A stolen token or an unattended browser must not be enough to take over the account.
    if (principal.via !== "session") throw forbidden("Change your email or password from a signed-in session.");
    if (!body.currentPassword || !(await verifyPassword(body.currentPassword, user.passwordHash))) {
      throw new ApiError(403, "wrong_password", "Give your current password to change your email or password.");
    }
  }
  const changes = {
    ...(body.name !== undefined && { name: body.name }),
    ...(body.email !== undefined && { email: body.email }),
    ...(body.role !== undefined && { role: body.role }),
    ...(body.notify !== undefined && { notify: body.notify }),
    ...(body.password !== undefined && { passwordHash: await hashPassword(body.password) }),
    updatedAt: Date.now(),
  };
  try {
    const [updated] = await database(c.env).update(users).set(changes).where(eq(users.id, id)).returning();
    // Your own password change keeps the session you made it from; an admin's keeps none of yours.
    if (body.password !== undefined) await revokeOtherCredentials(c.env, id, principal.user?.id === id ? principal.sessionId : undefined);
    if (user.role === "admin" && updated!.role !== "admin") await applyDemotion(c.env, updated!);
    return c.json({ user: presentUser(updated!) });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("That email is already registered.");
    throw error;
  }
});

documentRoute({
  method: "delete",
  path: "/api/users/:id",
  summary: "Delete a user and everything they own (rooms with another owner are handed to them)",
  auth: "the user (signed-in session plus current password) or an admin",
  body: deleteAccountBody,
  responses: { 204: "Deleted", 400: "Invalid body", 403: "Not allowed or wrong password", 404: "No such user", 415: "Yourself: no JSON body" },
});
userRoutes.delete("/:id", async (c) => {
  const { id } = readParams(c, idParams);
  const principal = requireSelfOrAdmin(c, id);
  const user = await findUser(c, id);
  if (principal.user?.id === id) {
    // As for a password change: a stolen token or an unattended browser must not be enough.
    if (principal.via !== "session") throw forbidden("Delete your account from a signed-in session.");
    const body = await readJson(c, deleteAccountBody);
    if (!(await verifyPassword(body.currentPassword, user.passwordHash))) {
      throw new ApiError(403, "wrong_password", "Give your current password to delete your account.");
    }
  }
  await deleteAccount(c.env, id);
  return c.body(null, 204);
});
