// /api/rooms/:id/members: who belongs to a room, with which role. New people are invited
// (src/api/invitations/) and become members only when they accept.
import { and, asc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { notifyLater } from "../../core/notifications.ts";
import { z } from "zod";
import { roomMembers, users } from "../../db/schema.ts";
import { shownName } from "../../shared/display-name.ts";
import type { AppEnv } from "../context.ts";
import { database } from "../../core/db.ts";
import { ApiError, forbidden, notFound } from "../errors.ts";
import { invite, MAX_PENDING_PER_ROOM } from "../invitations/store.ts";
import { documentRoute } from "../openapi.ts";
import { idSchema, readJson, readParams } from "../validation.ts";
import { applyLiveAccess, applyMemberRemoval } from "./live-access.ts";
import { memberRole } from "../../core/access.ts";
import { managedRoom, viewableRoom } from "./load.ts";
import { presentMember } from "./present.ts";
import type { ChangedMember } from "../../shared/api-types.ts";
import { actorOf, recordEvent } from "../../core/events.ts";

export const memberRoutes = new Hono<AppEnv>();

const role = z.enum(["owner", "editor", "commenter", "viewer"]);
const addMemberBody = z
  .strictObject({ userId: idSchema.optional(), email: z.string().trim().toLowerCase().max(254).pipe(z.email()).optional(), role })
  .refine((b) => Boolean(b.userId) !== Boolean(b.email), { message: "Give exactly one of userId or email." });
const memberParams = z.object({ id: idSchema, userId: idSchema });

documentRoute({
  method: "get",
  path: "/api/rooms/:id/members",
  summary: "Members of a room",
  auth: "anyone who may view the room",
  responses: { 200: "{ members }" },
});
memberRoutes.get("/", async (c) => {
  const access = await viewableRoom(c);
  const rows = await database(c.env)
    .select({ userId: users.id, name: users.name, email: users.email, role: roomMembers.role, createdAt: roomMembers.createdAt })
    .from(roomMembers)
    .innerJoin(users, eq(users.id, roomMembers.userId))
    .where(eq(roomMembers.roomId, access.room.id))
    .orderBy(asc(roomMembers.createdAt));
  const callerId = c.get("principal")?.user?.id;
  return c.json({ members: rows.map((m) => presentMember(m, access.canManage || m.userId === callerId)) });
});

documentRoute({
  method: "post",
  path: "/api/rooms/:id/members",
  summary: "Invite someone (by email or user id), or change a member's role",
  auth: "owner or admin",
  body: addMemberBody,
  responses: {
    200: "{ member }: an existing member's new role, in effect at once",
    202: "{ invitation: { id, roomId, role, status: \"pending\" } }: the same answer whether or not the address or id belongs to anyone",
    409: "Would leave the room without an owner",
    429: `More than ${MAX_PENDING_PER_ROOM} pending invitations`,
  },
});
memberRoutes.post("/", async (c) => {
  const access = await managedRoom(c);
  const body = await readJson(c, addMemberBody);
  const db = database(c.env);
  const [user] = await db
    .select()
    .from(users)
    .where(body.userId ? eq(users.id, body.userId) : eq(users.email, body.email!))
    .limit(1);
  const currentRole = user ? await memberRole(c.env, access.room.id, user.id) : null;
  if (user && currentRole) {
    // A member already agreed to be here, and a demotion must bite at once: no new consent needed.
    // Managers see members' emails anyway (GET …/members), so this answer reveals nothing new.
    if (body.role !== "owner") await assertNotLastOwner(c.env, access.room.id, user.id);
    await db
      .update(roomMembers)
      .set({ role: body.role })
      .where(and(eq(roomMembers.roomId, access.room.id), eq(roomMembers.userId, user.id)));
    await applyLiveAccess(c.env, access.room, user, body.role);
    const data = { userId: user.id, role: body.role, previousRole: currentRole };
    await recordEvent(c.env, { roomId: access.room.id, type: "member.role_changed", actor: actorOf(c.get("principal")), data });
    if (body.role !== currentRole) {
      notifyLater(c.executionCtx, c.env, {
        kind: "access_changed",
        roomId: access.room.id,
        actorId: c.get("principal")?.user?.id ?? null,
        userIds: [user.id],
        excerpt: `Your role is now ${body.role}.`,
        url: `/#/rooms/${access.room.id}`,
        sourceId: crypto.randomUUID(),
      });
    }
    const member: ChangedMember = { userId: user.id, name: shownName(user.name), email: user.email, role: body.role };
    return c.json({ member }, 200);
  }
  // Everyone else gets a pending invitation, and the inviter the same answer whether the address
  // or id is registered or not: invites are no way to find out who uses Roomful.
  const invitee = user ? { userId: user.id } : body.email ? { email: body.email } : null;
  const invitation = await invite(c.env, access.room.id, invitee, body.role, c.get("principal")?.user?.id ?? null);
  if (user) {
    notifyLater(c.executionCtx, c.env, {
      kind: "invitation",
      roomId: access.room.id,
      actorId: c.get("principal")?.user?.id ?? null,
      userIds: [user.id],
      excerpt: `Join as ${body.role}.`,
      url: "/#/",
      sourceId: invitation.id,
    });
  }
  // Recorded alike whoever (or nobody) the address belongs to, as the answer is: no invitee in it.
  const invited = { invitationId: invitation.id, role: body.role };
  await recordEvent(c.env, { roomId: access.room.id, type: "member.invited", actor: actorOf(c.get("principal")), data: invited });
  return c.json({ invitation }, 202);
});

documentRoute({
  method: "delete",
  path: "/api/rooms/:id/members/:userId",
  summary: "Remove a member (or leave a room yourself)",
  auth: "owner, admin, or the member themselves",
  responses: { 204: "Removed", 404: "Not a member", 409: "Would leave the room without an owner" },
});
memberRoutes.delete("/:userId", async (c) => {
  const { userId } = readParams(c, memberParams);
  const access = await viewableRoom(c);
  const isSelf = c.get("principal")?.user?.id === userId;
  if (!access.canManage && !isSelf) throw forbidden("Only the room's owner or an admin may remove members.");
  await assertNotLastOwner(c.env, access.room.id, userId);
  const removed = await database(c.env)
    .delete(roomMembers)
    .where(and(eq(roomMembers.roomId, access.room.id), eq(roomMembers.userId, userId)))
    .returning({ userId: roomMembers.userId });
  if (removed.length === 0) throw notFound("Member");
  const [user] = await database(c.env).select().from(users).where(eq(users.id, userId)).limit(1);
  if (user) await applyMemberRemoval(c.env, access.room, user);
  if (user && !isSelf) {
    notifyLater(c.executionCtx, c.env, {
      kind: "access_changed",
      roomId: access.room.id,
      actorId: c.get("principal")?.user?.id ?? null,
      userIds: [user.id],
      excerpt: "You were removed from this room.",
      url: "/#/",
      sourceId: crypto.randomUUID(),
    });
  }
  await recordEvent(c.env, { roomId: access.room.id, type: "member.removed", actor: actorOf(c.get("principal")), data: { userId } });
  return c.body(null, 204);
});

/** A room always keeps at least one owner. */
async function assertNotLastOwner(env: AppEnv["Bindings"], roomId: string, userId: string): Promise<void> {
  const owners = await database(env)
    .select({ userId: roomMembers.userId })
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.role, "owner")));
  if (owners.length === 1 && owners[0]!.userId === userId) {
    throw new ApiError(409, "last_owner", "A room needs at least one owner; make someone else owner first.");
  }
}
