// /api/invitations: the caller's pending room invitations, and answering them. A room appears
// in someone's list only once they accept; others' invitations answer 404 (never a hint).
import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import { roomInvitations, roomMembers } from "../../db/schema.ts";
import { requireUser } from "../auth/guards.ts";
import type { AppEnv } from "../context.ts";
import { database } from "../../core/db.ts";
import { notFound } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { memberRole } from "../../core/access.ts";
import { applyLiveAccess } from "../rooms/live-access.ts";
import { presentRoom } from "../rooms/present.ts";
import { idParams, readParams } from "../validation.ts";
import { addressedTo, invitationOf, invitationsFor, MAX_LISTED } from "./store.ts";
import { recordEvent } from "../../core/events.ts";

export const invitationRoutes = new Hono<AppEnv>();

documentRoute({
  method: "get",
  path: "/api/invitations",
  summary: `Your pending room invitations, newest first (at most ${MAX_LISTED}), with room and inviter names`,
  auth: "signed-in user",
  responses: { 200: "{ invitations: [{ id, roomId, roomName, role, status, invitedBy: { name } | null, createdAt }] }" },
});
invitationRoutes.get("/", async (c) => {
  const { user } = requireUser(c);
  return c.json({ invitations: await invitationsFor(c.env, user) });
});

documentRoute({
  method: "post",
  path: "/api/invitations/:id/accept",
  summary: "Accept an invitation: you become a member with the invited role",
  auth: "the invitee",
  responses: { 200: "{ room }", 404: "No such invitation addressed to you" },
});
invitationRoutes.post("/:id/accept", async (c) => {
  const { user } = requireUser(c);
  const { id } = readParams(c, idParams);
  const found = await invitationOf(c.env, user, id);
  if (!found) throw notFound("Invitation");
  const { invitation, room } = found;
  const db = database(c.env);
  // One transaction: the membership exists exactly when this room's invitations to them are gone
  // (an address invited before signup and the account invited since are both answered).
  await db.batch([
    db.insert(roomMembers).values({ roomId: room.id, userId: user.id, role: invitation.role, createdAt: Date.now() }).onConflictDoNothing(),
    db.delete(roomInvitations).where(and(eq(roomInvitations.roomId, room.id), addressedTo(user))),
  ]);
  const role = (await memberRole(c.env, room.id, user.id)) ?? invitation.role;
  // Sockets they already have open (a public room) get the new rights at once.
  await applyLiveAccess(c.env, room, user, role);
  await recordEvent(c.env, { roomId: room.id, type: "member.added", actor: user.id, data: { userId: user.id, role, invitationId: invitation.id } });
  return c.json({ room: presentRoom(room, role) });
});

documentRoute({
  method: "post",
  path: "/api/invitations/:id/decline",
  summary: "Decline an invitation (the inviter is not told who declined or why)",
  auth: "the invitee",
  responses: { 204: "Declined", 404: "No such invitation addressed to you" },
});
invitationRoutes.post("/:id/decline", async (c) => {
  const { user } = requireUser(c);
  const { id } = readParams(c, idParams);
  const removed = await database(c.env)
    .delete(roomInvitations)
    .where(and(eq(roomInvitations.id, id), addressedTo(user)))
    .returning({ id: roomInvitations.id });
  if (removed.length === 0) throw notFound("Invitation");
  return c.body(null, 204);
});
