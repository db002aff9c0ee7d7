// Room checks made from inside the presence object. The Worker authenticates the socket once,
// but it is not consulted per frame, so at subscribe, view and send the object asks D1 itself
// with the same rules as every room route (src/core/access.ts). A fresh read each time
// means removing a member takes effect on their next subscribe or send, not their next login.
import { eq } from "drizzle-orm";
import { roomMembers, users } from "../db/schema.ts";
import type { Env } from "../env.ts";
import { actorFor, roomAccess } from "../core/access.ts";
import { database } from "../core/db.ts";

export type RoomView = { canView: boolean; public: boolean };

export async function roomViewFor(env: Env, userId: string, roomId: string): Promise<RoomView> {
  const [user] = await database(env).select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) return { canView: false, public: false };
  const access = await roomAccess(env, roomId, actorFor(user));
  return { canView: access?.canView ?? false, public: access?.room.visibility === "public" };
}

/** Private-room memberships, read at connect to redact presence for this user. */
export async function memberRoomIds(env: Env, userId: string): Promise<string[]> {
  const rows = await database(env).select({ roomId: roomMembers.roomId }).from(roomMembers).where(eq(roomMembers.userId, userId));
  return rows.map((row) => row.roomId);
}

/**
 * Which private rooms each connected user may see, in the object's SQLite (unbounded, unlike a
 * 16 KiB attachment) with an in-memory cache that simply empties when the object hibernates.
 */
export class VisibleRooms {
  readonly #cache = new Map<string, Set<string>>();

  constructor(private readonly storage: DurableObjectStorage) {}

  replace(userId: string, roomIds: string[]): void {
    this.storage.transactionSync(() => {
      this.storage.sql.exec(`DELETE FROM visible_rooms WHERE user_id = ?`, userId);
      for (const roomId of roomIds) {
        this.storage.sql.exec(`INSERT OR IGNORE INTO visible_rooms (user_id, room_id) VALUES (?, ?)`, userId, roomId);
      }
    });
    this.#cache.set(userId, new Set(roomIds));
  }

  set(userId: string, roomId: string, visible: boolean): void {
    if (visible) this.storage.sql.exec(`INSERT OR IGNORE INTO visible_rooms (user_id, room_id) VALUES (?, ?)`, userId, roomId);
    else this.storage.sql.exec(`DELETE FROM visible_rooms WHERE user_id = ? AND room_id = ?`, userId, roomId);
    const cached = this.#cache.get(userId);
    if (cached) visible ? cached.add(roomId) : cached.delete(roomId);
  }

  of(userId: string): ReadonlySet<string> {
    let rooms = this.#cache.get(userId);
    if (!rooms) {
      rooms = new Set(
        this.storage.sql.exec<{ room_id: string }>(`SELECT room_id FROM visible_rooms WHERE user_id = ?`, userId).toArray().map((r) => r.room_id),
      );
      this.#cache.set(userId, rooms);
    }
    return rooms;
  }

  forget(userId: string): void {
    this.storage.sql.exec(`DELETE FROM visible_rooms WHERE user_id = ?`, userId);
    this.#cache.delete(userId);
  }
}
