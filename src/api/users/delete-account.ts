// Deleting an account: rooms the user created go to a remaining co-owner, or are purged when
// nobody else owns them; their files go; the user row takes sessions, tokens and memberships
// with it (ON DELETE CASCADE); every socket they still have open closes (4403); and their chat
// messages leave the history and the search index.
import { and, asc, eq, ne } from "drizzle-orm";
import { files, roomMembers, rooms, users } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { closeSockets } from "../auth/revoke.ts";
import { database } from "../../core/db.ts";
import { purgeRoom } from "../rooms/purge.ts";
import { presenceStub } from "../../presence/stub.ts";
import { channelRoom } from "../../shared/chat-protocol.ts";
import { removeMessageEntries } from "../search/entries.ts";
import { recordEvent } from "../../core/events.ts";

export async function deleteAccount(env: Env, userId: string): Promise<void> {
  const db = database(env);
  // rooms.owner_id cascades, so every room the user created is handed over or purged first.
  const created = await db.select({ id: rooms.id }).from(rooms).where(eq(rooms.ownerId, userId));
  for (const room of created) {
    const heir = await remainingOwner(env, room.id, userId);
    if (heir) await db.update(rooms).set({ ownerId: heir, updatedAt: Date.now() }).where(eq(rooms.id, room.id));
    // Documents, snapshots, files and chat live outside D1: purge them properly.
    else {
      await purgeRoom(env, room.id);
      await recordEvent(env, { roomId: room.id, type: "room.deleted", actor: userId, data: { reason: "account_deleted" } });
    }
  }
  const fileKeys = await db.delete(files).where(eq(files.ownerId, userId)).returning({ r2Key: files.r2Key, thumbnailKey: files.thumbnailKey });
  const keys = fileKeys.flatMap((f) => [f.r2Key, f.thumbnailKey].filter((k): k is string => Boolean(k)));
  for (let i = 0; i < keys.length; i += 1000) await env.STORAGE.delete(keys.slice(i, i + 1000));
  await db.delete(users).where(eq(users.id, userId));
  await closeSockets(env, userId, { all: true });
  // Their chat messages go too, from history and from search at once. After the user row and
  // the sockets: nothing can post as them any more, and index jobs still queued skip them.
  const erased = await presenceStub(env).eraseUserMessages(userId);
  await removeMessageEntries(env, erased.flatMap(({ channel, id }) => {
    const roomId = channelRoom(channel);
    return roomId ? [{ roomId, id }] : [];
  }));
}

/** The longest-standing other owner of the room, if any. */
async function remainingOwner(env: Env, roomId: string, leavingUserId: string): Promise<string | null> {
  const [row] = await database(env)
    .select({ userId: roomMembers.userId })
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.role, "owner"), ne(roomMembers.userId, leavingUserId)))
    .orderBy(asc(roomMembers.createdAt))
    .limit(1);
  return row?.userId ?? null;
}
