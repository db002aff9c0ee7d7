// Who may do what in a room: the one place these rules live. Routes, both sockets, both
// Durable Objects and the list queries ask here (permissionsFor, or visibleRoomsFor in SQL).
//   private room: members only (owner, editor, commenter, viewer); outsiders get 404, never a hint it exists.
//   public room:  any signed-in user may view; editing needs editor/owner, or `openEditing`
//                 for signed-in users without a role (an explicit role always wins over it).
//   comment:      commenters, and whoever may edit; in a public room with `openCommenting`, also
//                 signed-in users without a role. Viewers read threads but do not comment.
//   manage:       owners (rename, delete, members).
//   admins:       everything.
import { and, eq, exists, or, type SQL, sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/sqlite-core";
import { roomMembers, rooms, type Room, type RoomRole, type User } from "../db/schema.ts";
import type { Env } from "../env.ts";
import { database } from "./db.ts";
import type { ConnectionRole } from "../shared/room-protocol.ts";

/** Who is asking, as far as room access goes (an HTTP principal is one; so is any user). */
export type Actor = { user: Pick<User, "id"> | null; isAdmin: boolean };

/** What a room's rules read from the room itself. */
export type RoomRules = Pick<Room, "visibility" | "openEditing"> & Partial<Pick<Room, "openCommenting">>;

export type Permissions = {
  canView: boolean;
  canComment: boolean;
  canEdit: boolean;
  /** Owner or admin: may rename, delete, manage members. */
  canManage: boolean;
};

export type RoomAccess = Permissions & {
  room: Room;
  /** The caller's membership role, if any. */
  role: RoomRole | null;
};

/** A user as an actor: for re-checking someone who is not the caller (a Durable Object, a member change). */
export function actorFor(user: User): Actor {
  return { user, isAdmin: user.role === "admin" };
}

/** May `actor`, holding `role` in the room (or none), see / comment / edit / manage it. */
export function permissionsFor(room: RoomRules, role: RoomRole | null, actor: Actor | null): Permissions {
  if (actor?.isAdmin) return { canView: true, canComment: true, canEdit: true, canManage: true };
  const signedIn = Boolean(actor?.user);
  const isMember = role !== null;
  const canView = isMember || (room.visibility === "public" && signedIn);
  // openEditing only speaks for people the owner has not given a role: an explicit viewer stays one.
  const openToEveryone = room.visibility === "public" && room.openEditing && signedIn && !isMember;
  const canEdit = role === "owner" || role === "editor" || openToEveryone;
  const openCommenting = room.visibility === "public" && Boolean(room.openCommenting) && signedIn && !isMember;
  const canComment = canEdit || role === "commenter" || openCommenting;
  return { canView, canComment, canEdit, canManage: role === "owner" };
}

/**
 * May `actor` see the room, from what the presence object caches: its visibility and whether
 * the actor holds any role there (seeing depends on holding one, not on which).
 */
export function canSeeRoom(room: Pick<Room, "visibility">, isMember: boolean, actor: Actor | null): boolean {
  return permissionsFor({ visibility: room.visibility, openEditing: false }, isMember ? "viewer" : null, actor).canView;
}

/** The role a live document connection gets (editors write, other viewers only read); null: no connection at all. */
export function connectionRoleFor(permissions: Permissions, mayWrite = true): ConnectionRole | null {
  if (!permissions.canView) return null;
  return permissions.canEdit && mayWrite ? "editor" : "viewer";
}

// Only builds SQL (no database handle): `exists` needs a subquery object.
const query = new QueryBuilder();

/**
 * The rooms `actor` may see, as a condition on `rooms` for list queries: the canView rule in
 * SQL (test/core/access-policy.test.ts checks they agree). Undefined means no condition: admins
 * see every room.
 */
export function visibleRoomsFor(actor: Actor | null): SQL | undefined {
  if (actor?.isAdmin) return undefined;
  const userId = actor?.user?.id;
  if (!userId) return sql`0`;
  const isMember = exists(
    query.select({ one: sql`1` }).from(roomMembers).where(and(eq(roomMembers.roomId, rooms.id), eq(roomMembers.userId, userId))),
  );
  return or(eq(rooms.visibility, "public"), isMember);
}

export function accessFor(room: Room, role: RoomRole | null, actor: Actor | null): RoomAccess {
  return { room, role, ...permissionsFor(room, role, actor) };
}

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

/**
 * The room and one user's role in it (at most one row). `userId` may be a subquery on the
 * caller's credential, so the room can be read at the same time as the sign-in.
 */
export function roomAndRoleQuery(env: Env, roomId: string, userId: string | SQL) {
  return database(env)
    .select({ room: rooms, role: roomMembers.role })
    .from(rooms)
    .leftJoin(roomMembers, and(eq(roomMembers.roomId, rooms.id), eq(roomMembers.userId, userId)))
    .where(eq(rooms.id, roomId))
    .limit(1);
}

export type RoomAndRole = { room: Room; role: RoomRole | null };

/** What roomAccess answers, from a row of roomAndRoleQuery. */
export function accessFromRow(row: RoomAndRole | undefined, actor: Actor | null): RoomAccess | null {
  return row ? accessFor(row.room, row.role, actor) : null;
}

/** The actor's access to a room, or null when the room does not exist: one D1 round trip (room and role together). */
export async function roomAccess(env: Env, roomId: string, actor: Actor | null): Promise<RoomAccess | null> {
  const [row] = await roomAndRoleQuery(env, roomId, actor?.user?.id ?? "");
  return accessFromRow(row, actor);
}
