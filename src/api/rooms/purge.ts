// Deleting a room removes everything it owns: the Durable Object's storage, its
// snapshots (R2 objects and D1 rows), its files (R2 objects; rows cascade), its chat
// channel, then the room.
import { eq } from "drizzle-orm";
import { files, rooms, snapshots } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { database } from "../db.ts";
import { roomStub } from "../../rooms/stub.ts";
import { presenceStub } from "../../rooms/presence/stub.ts";
import { roomChannel } from "../../shared/chat-protocol.ts";

export async function purgeRoom(env: Env, roomId: string): Promise<void> {
  const db = database(env);
  // The room row goes first so no new connection or upload can start while we clean up.
  const [fileRows, snapshotRows] = await Promise.all([
    db.select({ r2Key: files.r2Key, thumbnailKey: files.thumbnailKey }).from(files).where(eq(files.roomId, roomId)),
    db.select({ r2Key: snapshots.r2Key }).from(snapshots).where(eq(snapshots.roomId, roomId)),
  ]);
  await db.delete(rooms).where(eq(rooms.id, roomId));
  await roomStub(env, roomId).destroy();
  await presenceStub(env).dropChannel(roomChannel(roomId));
  const keys = [
    ...fileRows.flatMap((f) => [f.r2Key, f.thumbnailKey].filter((k): k is string => Boolean(k))),
    ...snapshotRows.map((s) => s.r2Key),
  ];
  // R2 deletes up to 1,000 keys per call.
  for (let i = 0; i < keys.length; i += 1000) await env.STORAGE.delete(keys.slice(i, i + 1000));
  await db.delete(snapshots).where(eq(snapshots.roomId, roomId));
}
