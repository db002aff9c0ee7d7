// Inserts a new room with its owner membership, within the owner's room quota.
import type { Room } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { eventStatement } from "../../core/events.ts";
import { wakeWebhooks } from "../../core/webhook-wake.ts";

/**
 * One D1 batch (a transaction): the room row only if its owner has fewer than `maxRooms`,
 * and the membership only if the room row was written. Checking and inserting in one
 * statement keeps a burst of parallel requests from all passing a count taken first.
 * Returns false when the quota refused it. `maxRooms` null: no cap.
 */
export async function insertRoomWithinQuota(env: Env, room: Room, maxRooms: number | null): Promise<boolean> {
  const [inserted] = await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO rooms (id, name, owner_id, visibility, open_editing, open_commenting, created_at, updated_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?9, ?6, ?7
       WHERE ?8 IS NULL OR (SELECT count(*) FROM rooms WHERE owner_id = ?3) < ?8`,
    ).bind(room.id, room.name, room.ownerId, room.visibility, room.openEditing ? 1 : 0, room.createdAt, room.updatedAt, maxRooms, room.openCommenting ? 1 : 0),
    env.DB.prepare(
      `INSERT INTO room_members (room_id, user_id, role, created_at)
       SELECT ?1, ?2, 'owner', ?3 WHERE EXISTS (SELECT 1 FROM rooms WHERE id = ?1)`,
    ).bind(room.id, room.ownerId, room.createdAt),
    // Written only if the room was (events.ts): the room's first event, in the same transaction.
    eventStatement(env, { roomId: room.id, type: "room.created", actor: room.ownerId, data: { name: room.name, visibility: room.visibility } }),
  ]);
  if (inserted!.meta.changes !== 1) return false;
  await wakeWebhooks(env, [room.id]);
  return true;
}
