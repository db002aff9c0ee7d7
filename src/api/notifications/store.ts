// The inbox in D1: a user's notifications newest first, their unread count, marking them read.
import { and, count, desc, eq, inArray, isNull, type SQL } from "drizzle-orm";
import { notifications, rooms, users } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { database } from "../../core/db.ts";
import { mentionedIds } from "../../shared/mentions.ts";
import { currentNames } from "../users/names.ts";

/** Current names of everyone the texts mention, for renderMentions. */
export function mentionNames(env: Env, texts: string[]): Promise<Map<string, string>> {
  return currentNames(env, texts.flatMap(mentionedIds));
}

export async function unreadCount(env: Env, userId: string): Promise<number> {
  const [row] = await database(env)
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** One page (`limit + 1` rows for pageOf), newest first, with the room's and the actor's current names. */
export async function inboxPage(env: Env, userId: string, options: { unread: boolean; after: SQL | undefined; limit: number }) {
  const conditions: (SQL | undefined)[] = [eq(notifications.userId, userId), options.after];
  if (options.unread) conditions.push(isNull(notifications.readAt));
  return database(env)
    .select({ notification: notifications, roomName: rooms.name, actorName: users.name })
    .from(notifications)
    .leftJoin(rooms, eq(rooms.id, notifications.roomId))
    .leftJoin(users, eq(users.id, notifications.actorId))
    .where(and(...conditions))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(options.limit + 1);
}

/** Marks the given notifications (only the user's own) or all of them read. */
export async function markRead(env: Env, userId: string, which: { ids: string[] } | { all: true }): Promise<void> {
  const mine = and(eq(notifications.userId, userId), isNull(notifications.readAt));
  await database(env)
    .update(notifications)
    .set({ readAt: Date.now() })
    .where("all" in which ? mine : and(mine, inArray(notifications.id, which.ids)));
}
