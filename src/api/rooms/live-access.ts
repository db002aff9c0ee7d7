// Pushes access changes to the room's open connections, so a demoted editor stops writing
// at once, a removed member is disconnected, and a room made private drops outsiders, in the
// room's document and in its chat channel.
import { and, eq, inArray } from "drizzle-orm";
import { roomMembers, users, type Room, type RoomRole as MemberRole, type User } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { roomStub } from "../../rooms/stub.ts";
import { presenceStub } from "../../presence/stub.ts";
import { database } from "../../core/db.ts";
import { actorFor, connectionRoleFor, permissionsFor } from "../../core/access.ts";

/** The role the user's open document sockets now get (a read-only token's stay viewers: the room keeps that). */
export async function applyLiveAccess(env: Env, room: Room, user: User, role: MemberRole | null): Promise<void> {
  const connectionRole = connectionRoleFor(permissionsFor(room, role, actorFor(user)));
  await roomStub(env, room.id).updateMemberAccess(user.id, connectionRole);
}

/** A member was removed: their document sockets and the room's chat channel, at once. */
export async function applyMemberRemoval(env: Env, room: Room, user: User): Promise<void> {
  await applyLiveAccess(env, room, user, null);
  await presenceStub(env).recheckRoom(room.id);
}

/** After the room's visibility or open-editing setting changed: re-check everyone connected. */
export async function recheckConnectedUsers(env: Env, room: Room): Promise<void> {
  // The room's chat channel can have subscribers who never opened the document.
  await presenceStub(env).recheckRoom(room.id);
  const userIds = (await roomStub(env, room.id).connectedUserIds()).filter((id) => id !== "admin");
  if (userIds.length === 0) return;
  const db = database(env);
  // D1 allows 100 bound parameters per statement.
  for (let i = 0; i < userIds.length; i += 90) {
    const chunk = userIds.slice(i, i + 90);
    const rows = await db
      .select({ user: users, role: roomMembers.role })
      .from(users)
      .leftJoin(roomMembers, and(eq(roomMembers.userId, users.id), eq(roomMembers.roomId, room.id)))
      .where(inArray(users.id, chunk));
    for (const row of rows) await applyLiveAccess(env, room, row.user, row.role);
  }
}
