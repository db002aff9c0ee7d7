// Deleting a room removes everything it owns: its files and snapshots (rows first, so nothing
// can find and restore from them; then their R2 objects), the room row with its memberships,
// the Durable Object's storage and its chat channel.
import { eq } from "drizzle-orm";
import { files, rooms, snapshots } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { presenceStub } from "../../presence/stub.ts";
import { roomStub } from "../../rooms/stub.ts";
import { roomChannel } from "../../shared/chat-protocol.ts";
import { database } from "../../core/db.ts";

export async function purgeRoom(env: Env, roomId: string): Promise<void> {
  const db = database(env);
  // Each DELETE ... RETURNING hands back exactly the keys it removed, so an upload or a
  // snapshot landing meanwhile is either deleted here or refused (its room is gone).
  const [fileRows, snapshotRows] = await db.batch([
    db.delete(files).where(eq(files.roomId, roomId)).returning({ r2Key: files.r2Key, thumbnailKey: files.thumbnailKey }),
    db.delete(snapshots).where(eq(snapshots.roomId, roomId)).returning({ r2Key: snapshots.r2Key }),
    db.delete(rooms).where(eq(rooms.id, roomId)),
  ]);
  await roomStub(env, roomId).destroy();
  await presenceStub(env).dropChannel(roomChannel(roomId));
  const keys = [
    ...fileRows.flatMap((f) => [f.r2Key, f.thumbnailKey].filter((k): k is string => Boolean(k))),
    ...snapshotRows.map((s) => s.r2Key),
  ];
  // R2 deletes up to 1,000 keys per call.
  for (let i = 0; i < keys.length; i += 1000) await env.STORAGE.delete(keys.slice(i, i + 1000));
}
