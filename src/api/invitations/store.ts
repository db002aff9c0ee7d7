// Pending room invitations in D1: created by a room's managers, seen and answered only by the
// invitee. Nothing here tells an inviter whether an address or user id belongs to anyone.
import { and, count, desc, eq, isNull, or } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { roomInvitations, rooms, users, type RoomRole, type User } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import type * as Api from "../../shared/api-types.ts";
import { newId } from "../../shared/crypto.ts";
import { shownName } from "../../shared/display-name.ts";
import { database } from "../../core/db.ts";
import { ApiError } from "../errors.ts";

/** Pending invitations one room may hold: bounds what a room's owner can make D1 store. */
export const MAX_PENDING_PER_ROOM = 100;
/** The most invitations one user is shown at once (newest first). */
export const MAX_LISTED = 100;

export type Invitee = { userId: string } | { email: string } | null;

/** The only shape of an invitation an inviter sees: the same whoever (or nobody) it reached. */
const pendingInvitation = (id: string, roomId: string, role: RoomRole): Api.SentInvitation => ({ id, roomId, role, status: "pending" });

/**
 * Invites someone, or renews their pending invitation with the new role. `null` is an invitee
 * that does not exist (an unknown user id): nothing is stored, and the answer looks the same.
 */
export async function invite(env: Env, roomId: string, invitee: Invitee, role: RoomRole, invitedBy: string | null) {
  const db = database(env);
  const [pending] = await db.select({ n: count() }).from(roomInvitations).where(eq(roomInvitations.roomId, roomId));
  if ((pending?.n ?? 0) >= MAX_PENDING_PER_ROOM) {
    throw new ApiError(429, "too_many_invitations", `A room holds at most ${MAX_PENDING_PER_ROOM} pending invitations; wait for answers first.`);
  }
  if (!invitee) return pendingInvitation(newId(), roomId, role);
  const row = { id: newId(), roomId, role, invitedBy, createdAt: Date.now() };
  const renew = { role, invitedBy, createdAt: row.createdAt };
  const [stored] =
    "userId" in invitee
      ? await db
          .insert(roomInvitations)
          .values({ ...row, inviteeId: invitee.userId })
          .onConflictDoUpdate({ target: [roomInvitations.roomId, roomInvitations.inviteeId], set: renew })
          .returning({ id: roomInvitations.id })
      : await db
          .insert(roomInvitations)
          .values({ ...row, email: invitee.email })
          .onConflictDoUpdate({ target: [roomInvitations.roomId, roomInvitations.email], set: renew })
          .returning({ id: roomInvitations.id });
  return pendingInvitation(stored!.id, roomId, role);
}

/** Invitations addressed to this user: by id, or by their email from before they signed up. */
export const addressedTo = (user: User) =>
  or(eq(roomInvitations.inviteeId, user.id), and(isNull(roomInvitations.inviteeId), eq(roomInvitations.email, user.email)));

const inviter = alias(users, "inviter");

export async function invitationsFor(env: Env, user: User): Promise<Api.Invitation[]> {
  const rows = await database(env)
    .select({
      id: roomInvitations.id,
      roomId: rooms.id,
      roomName: rooms.name,
      role: roomInvitations.role,
      inviterName: inviter.name,
      createdAt: roomInvitations.createdAt,
    })
    .from(roomInvitations)
    .innerJoin(rooms, eq(rooms.id, roomInvitations.roomId))
    .leftJoin(inviter, eq(inviter.id, roomInvitations.invitedBy))
    .where(addressedTo(user))
    .orderBy(desc(roomInvitations.createdAt))
    .limit(MAX_LISTED);
  return rows.map(({ inviterName, createdAt, ...row }) => ({
    ...row,
    status: "pending" as const,
    // Null: sent with the bootstrap admin token, or the inviter has since deleted their account.
    invitedBy: inviterName === null ? null : { name: shownName(inviterName) },
    createdAt: new Date(createdAt).toISOString(),
  }));
}

/** One of this user's invitations with its room, or null when it is not theirs (or gone). */
export async function invitationOf(env: Env, user: User, id: string) {
  const [row] = await database(env)
    .select({ invitation: roomInvitations, room: rooms })
    .from(roomInvitations)
    .innerJoin(rooms, eq(rooms.id, roomInvitations.roomId))
    .where(and(eq(roomInvitations.id, id), addressedTo(user)))
    .limit(1);
  return row ?? null;
}
