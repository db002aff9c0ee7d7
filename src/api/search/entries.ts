// Writing search entries. The FTS5 index follows by trigger (migrations/0004_search.sql), so
// these are plain writes to search_entries; every write is an upsert, so jobs are idempotent.
import { and, eq, inArray } from "drizzle-orm";
import { searchEntries } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { database } from "../../core/db.ts";
import type { Block } from "./blocks.ts";

export type EntryType = (typeof searchEntries.$inferInsert)["type"];
export type NewEntry = typeof searchEntries.$inferInsert;

/** D1 runs a batch as one transaction; keep each under a sane size. */
const BATCH = 50;

export async function upsertEntry(env: Env, entry: NewEntry): Promise<void> {
  await database(env)
    .insert(searchEntries)
    .values(entry)
    .onConflictDoUpdate({
      target: [searchEntries.roomId, searchEntries.type, searchEntries.itemId],
      set: { title: entry.title, body: entry.body, at: entry.at, position: entry.position ?? null, fileId: entry.fileId ?? null },
    });
}

export async function removeEntry(env: Env, roomId: string, type: EntryType, itemId: string): Promise<void> {
  await database(env)
    .delete(searchEntries)
    .where(and(eq(searchEntries.roomId, roomId), eq(searchEntries.type, type), eq(searchEntries.itemId, itemId)));
}

type MessageEntry = Omit<NewEntry, "type">;

// A message's entry is written only while its author's account exists (one statement, so an
// index job that runs during an account deletion cannot bring the author's messages back); a
// null author (the admin token's messages) has no account to check. WHERE before ON CONFLICT:
// SQLite's documented way to keep INSERT … SELECT … ON CONFLICT unambiguous. Plain D1
// statements, since Drizzle's batch does not take raw SQL.
const MESSAGE_UPSERT = `
  INSERT INTO search_entries (type, room_id, item_id, title, body, position, at)
  SELECT 'message', ?1, ?2, ?3, ?4, ?5, ?6
  WHERE ?7 IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = ?7)
  ON CONFLICT (room_id, type, item_id) DO UPDATE SET title = excluded.title, body = excluded.body, position = excluded.position, at = excluded.at`;

/** Many messages' entries (a room's new messages), BATCH statements per D1 batch (one transaction each). */
export async function upsertMessageEntries(env: Env, messages: { entry: MessageEntry; authorId: string | null }[]): Promise<void> {
  const statement = env.DB.prepare(MESSAGE_UPSERT);
  for (let i = 0; i < messages.length; i += BATCH) {
    const chunk = messages.slice(i, i + BATCH);
    await env.DB.batch(
      chunk.map(({ entry, authorId }) => statement.bind(entry.roomId, entry.itemId, entry.title, entry.body, entry.position ?? null, entry.at, authorId)),
    );
  }
}

/** Message entries by (room, id), all at once: a deleted account's messages. */
export async function removeMessageEntries(env: Env, messages: { roomId: string; id: string }[]): Promise<void> {
  const db = database(env);
  const byRoom = new Map<string, string[]>();
  for (const { roomId, id } of messages) {
    const ids = byRoom.get(roomId) ?? [];
    if (ids.length === 0) byRoom.set(roomId, ids);
    ids.push(id);
  }
  const statements = [];
  // <= 100 bound parameters per statement (PLATFORM.md): 90 ids + room + type.
  for (const [roomId, ids] of byRoom) {
    for (let i = 0; i < ids.length; i += 90) {
      statements.push(
        db.delete(searchEntries).where(and(eq(searchEntries.roomId, roomId), eq(searchEntries.type, "message"), inArray(searchEntries.itemId, ids.slice(i, i + 90)))),
      );
    }
  }
  for (let i = 0; i < statements.length; i += BATCH) {
    const chunk = statements.slice(i, i + BATCH);
    await db.batch(chunk as [(typeof chunk)[number], ...(typeof chunk)[number][]]);
  }
}

export type BlockChanges = { inserted: number; deleted: number; moved: number };

/**
 * Makes a room's document entries match `blocks`: blocks whose key (a hash of their text) is
 * already indexed are left alone (only their position follows them); the rest are inserted,
 * and entries whose block is gone are deleted.
 */
export async function syncDocumentBlocks(env: Env, roomId: string, blocks: Block[], at: number): Promise<BlockChanges> {
  const db = database(env);
  const existing = await db
    .select({ id: searchEntries.id, key: searchEntries.itemId, position: searchEntries.position })
    .from(searchEntries)
    .where(and(eq(searchEntries.roomId, roomId), eq(searchEntries.type, "document")));
  const byKey = new Map(existing.map((row) => [row.key, row]));
  const wanted = new Set(blocks.map((b) => b.key));
  const gone = existing.filter((row) => !wanted.has(row.key)).map((row) => row.id);
  const statements = [];
  for (let i = 0; i < gone.length; i += BATCH) statements.push(db.delete(searchEntries).where(inArray(searchEntries.id, gone.slice(i, i + BATCH))));
  let inserted = 0;
  let moved = 0;
  for (const block of blocks) {
    const row = byKey.get(block.key);
    if (!row) {
      inserted++;
      statements.push(
        db
          .insert(searchEntries)
          .values({ type: "document", roomId, itemId: block.key, title: block.headingPath, body: block.text, position: block.position, at })
          .onConflictDoNothing(),
      );
    } else if (row.position !== block.position) {
      moved++;
      statements.push(db.update(searchEntries).set({ position: block.position }).where(eq(searchEntries.id, row.id)));
    }
  }
  for (let i = 0; i < statements.length; i += BATCH) {
    const chunk = statements.slice(i, i + BATCH);
    await db.batch(chunk as [(typeof chunk)[number], ...(typeof chunk)[number][]]);
  }
  return { inserted, deleted: gone.length, moved };
}
