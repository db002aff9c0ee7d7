// The search index's queue jobs (types in src/shared/jobs.ts, registered in
// src/api/jobs/handlers.ts). Each is idempotent: a redelivery rewrites nothing that is current.
import { asc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { files, type JobRow, rooms } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { database } from "../../core/db.ts";
import { enqueueJob } from "../../core/jobs.ts";
import { loadRoom } from "../../core/access.ts";
import { presenceStub } from "../../presence/stub.ts";
import { roomStub } from "../../rooms/stub.ts";
import { documentFromState } from "../../rooms/document/convert.ts";
import { type ChatMessage, roomChannel } from "../../shared/chat-protocol.ts";
import { documentBlocks, searchableText } from "./blocks.ts";
import { recordDocumentUpdated } from "../events/document-events.ts";
import { type BlockChanges, removeEntry, syncDocumentBlocks, upsertEntry, upsertMessageEntries } from "./entries.ts";

const documentJob = z.object({ roomId: z.string().min(1) });

/** index-document: the room's stored document, block by block; only changed blocks are written. */
export async function indexDocument(env: Env, job: JobRow): Promise<void> {
  const { roomId } = documentJob.parse(job.payload);
  const changes = await indexRoomDocument(env, roomId);
  // This job runs debounced after edits: the natural beat for the room's document.updated event.
  if (changes) await recordDocumentUpdated(env, roomId, changes);
}

async function indexRoomDocument(env: Env, roomId: string): Promise<BlockChanges | null> {
  if (!(await loadRoom(env, roomId))) return null; // deleted meanwhile: its entries went with it
  const state = await roomStub(env, roomId).getState();
  return syncDocumentBlocks(env, roomId, await documentBlocks(documentFromState(state)), Date.now());
}

const messageJob = z.union([
  z.object({ roomId: z.string(), messageId: z.string(), deleted: z.literal(true) }),
  // seq is optional: jobs queued before it was sent still parse.
  z.object({
    roomId: z.string(),
    messageId: z.string(),
    seq: z.number().int().optional(),
    authorId: z.string().nullable().optional(),
    author: z.string(),
    body: z.string(),
    at: z.number(),
  }),
]);

/** index-message: one chat message written or edited (upsert), or deleted (removal). */
export async function indexMessage(env: Env, job: JobRow): Promise<void> {
  const change = messageJob.parse(job.payload);
  if ("deleted" in change) return removeEntry(env, change.roomId, "message", change.messageId);
  if (!(await loadRoom(env, change.roomId))) return;
  const entry = messageEntry(change.roomId, { id: change.messageId, author: change.author, body: change.body, seq: change.seq ?? null, at: change.at });
  await upsertMessageEntries(env, [{ entry, authorId: change.authorId ?? null }]);
}

const roomMessagesJob = z.object({ roomId: z.string().min(1), fromSeq: z.number().int().min(0) });

/**
 * index-messages: a room's messages from `fromSeq` on (the first message of a busy second, and
 * every later one stored before this job runs), read from the chat history, so a message deleted
 * meanwhile, or erased with its author's account, is never written; upserted in batches.
 * Idempotent: two such jobs, or one and a message's own job, write the same rows.
 */
export async function indexNewMessages(env: Env, job: JobRow): Promise<void> {
  const { roomId, fromSeq } = roomMessagesJob.parse(job.payload);
  if (!(await loadRoom(env, roomId))) return;
  const fresh: ChatMessage[] = [];
  let before: number | undefined;
  // Newest first, page by page, down to fromSeq (history keeps at most HISTORY_PER_CHANNEL).
  for (;;) {
    const page = await presenceStub(env).history(roomChannel(roomId), before, HISTORY_PAGE);
    fresh.push(...page.messages.filter((m) => m.seq >= fromSeq));
    if (page.nextBefore === null || page.messages.some((m) => m.seq < fromSeq)) break;
    before = page.nextBefore;
  }
  await upsertMessageEntries(env, fresh.map((message) => ({ entry: messageEntry(roomId, fromHistory(message)), authorId: message.userId })));
}

/** A message's search entry: its author is the title, its position in the channel the position. */
function messageEntry(roomId: string, message: { id: string; author: string; body: string; seq: number | null; at: number }) {
  return {
    roomId,
    itemId: message.id,
    title: searchableText(message.author, 200),
    body: searchableText(message.body),
    position: message.seq,
    at: message.at,
  };
}

/** A stored chat message as messageEntry reads it. */
const fromHistory = (message: ChatMessage) => ({ id: message.id, author: message.userName, body: message.body, seq: message.seq, at: Date.parse(message.createdAt) });

/** Rooms per backfill job: each job stays well inside a queue consumer's time. */
const ROOMS_PER_BACKFILL_JOB = 10;
const HISTORY_PAGE = 100;
/** `chain`: the id of the run's first job, so a second run's jobs never collide with a first run's. */
const backfillJob = z.object({ after: z.string().optional(), chain: z.string().optional() });

/** Everything searchable in one room: its document, its chat history and its files' names. */
export async function indexRoom(env: Env, roomId: string): Promise<void> {
  await indexRoomDocument(env, roomId);
  let before: number | undefined;
  for (;;) {
    const page = await presenceStub(env).history(roomChannel(roomId), before, HISTORY_PAGE);
    await upsertMessageEntries(env, page.messages.map((message) => ({ entry: messageEntry(roomId, fromHistory(message)), authorId: message.userId })));
    if (page.nextBefore === null) break;
    before = page.nextBefore;
  }
  const roomFiles = await database(env).select().from(files).where(eq(files.roomId, roomId));
  for (const file of roomFiles) if (file.status !== "uploading" && file.status !== "rejected") await upsertFileEntry(env, file);
}

/**
 * search-backfill: indexes existing rooms in id order, ROOMS_PER_BACKFILL_JOB per job, then
 * queues the next job from the last room it finished. Resumable (a failed job retries from its
 * own cursor) and idempotent (every write is an upsert or a hash-compared block sync).
 */
export async function backfillSearch(env: Env, job: JobRow): Promise<void> {
  const { after, chain = job.id } = backfillJob.parse(job.payload);
  const batch = await database(env)
    .select({ id: rooms.id })
    .from(rooms)
    .where(after ? gt(rooms.id, after) : undefined)
    .orderBy(asc(rooms.id))
    .limit(ROOMS_PER_BACKFILL_JOB);
  for (const room of batch) await indexRoom(env, room.id);
  // A stable id per cursor: a redelivered job does not queue its successor twice.
  const last = batch.at(-1)?.id;
  if (batch.length === ROOMS_PER_BACKFILL_JOB && last) {
    await enqueueJob(env, "search-backfill", { after: last, chain }, { id: `search-backfill:${chain}:${last}` });
  }
}

type FileForIndex = Pick<typeof files.$inferSelect, "id" | "roomId" | "name" | "createdAt">;

/** A room file's entry: its name, and the text of a small text-like file when given. */
export async function upsertFileEntry(env: Env, file: FileForIndex, text = ""): Promise<void> {
  if (!file.roomId) return; // files outside rooms are nobody else's to find
  await upsertEntry(env, {
    type: "file",
    roomId: file.roomId,
    itemId: file.id,
    fileId: file.id,
    title: searchableText(file.name, 300),
    body: searchableText(text, 64 * 1024),
    at: file.createdAt,
  });
}
