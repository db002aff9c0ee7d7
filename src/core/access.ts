// Who may do what in a room. Every room route and both WebSocket endpoints ask here.
//   private room: members only (owner, editor, viewer); outsiders get 404, never a hint it exists.
//   public room:  any signed-in user may view; editing needs editor/owner, or `openEditing`
//                 for signed-in users without a role (an explicit role always wins over it).
//   admins:       everything.
import { and, eq } from "drizzle-orm";
import { roomMembers, rooms, type Room, type RoomRole, type User } from "../db/schema.ts";
import type { Env } from "../env.ts";
import { database } from "./db.ts";

export type RoomAccess = {
  room: Room;
  /** The caller's membership role, if any. */
  role: RoomRole | null;
  canView: boolean;
  canEdit: boolean;
  /** Owner or admin: may rename, delete, manage members. */
  canManage: boolean;
};

export async function loadRoom(env: Env, roomId: string): Promise<Room | null> {
  const [room] = await database(env).select().from(rooms).where(eq(rooms.id, roomId)).limit(1);
  return room ?? null;
}

export async function memberRole(env: Env, roomId: string, userId: string): Promise<RoomRole | null> {
  const [row] = await database(env)
    .select({ role: roomMembers.role })
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
    .limit(1);
  return row?.role ?? null;
}

/** Who is asking, as far as room access goes (an HTTP principal is one; so is any user). */
export type Actor = { user: User | null; isAdmin: boolean };

/** A user as an actor: for re-checking someone who is not the caller (a Durable Object, a member change). */
export function actorFor(user: User): Actor {
  return { user, isAdmin: user.role === "admin" };
}

export function accessFor(room: Room, role: RoomRole | null, principal: Actor | null): RoomAccess {
  if (principal?.isAdmin) return { room, role, canView: true, canEdit: true, canManage: true };
  const signedIn = Boolean(principal?.user);
  const isMember = role !== null;
  const canView = isMember || (room.visibility === "public" && signedIn);
  // openEditing only speaks for people the owner has not given a role: an explicit viewer stays one.
  const openToEveryone = room.visibility === "public" && room.openEditing && signedIn && !isMember;
  const canEdit = role === "owner" || role === "editor" || openToEveryone;
  return { room, role, canView, canEdit, canManage: role === "owner" };
}

/** The caller's access to a room, or null when the room does not exist. */
export async function roomAccess(env: Env, roomId: string, principal: Actor | null): Promise<RoomAccess | null> {
  const room = await loadRoom(env, roomId);
  if (!room) return null;
  const role = principal?.user ? await memberRole(env, roomId, principal.user.id) : null;
  return accessFor(room, role, principal);
}
