// /api/rooms/:id/changes: who inserted and deleted what since a snapshot or a time. The base is
// a snapshot's stored state (R2); a time picks the newest snapshot at or before it, and the
// answer says which. The room diffs it against the live document and names the authors
// recorded for the Yjs ids (src/rooms/attribution/).
import { and, desc, eq, inArray, lte } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { database } from "../../core/db.ts";
import { snapshots, users, type SnapshotRow } from "../../db/schema.ts";
import type { ChangeRun } from "../../rooms/attribution/changes.ts";
import { UNKNOWN_AUTHOR } from "../../rooms/attribution/store.ts";
import { CorruptSnapshotError, readSnapshotState } from "../../rooms/snapshots.ts";
import { roomStub } from "../../rooms/stub.ts";
import type { ChangeAuthor, DocumentChange, DocumentChanges } from "../../shared/api-types.ts";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError, notFound } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { idSchema, readQuery } from "../validation.ts";
import { viewableRoom } from "./load.ts";

export const changesRoutes = new Hono<AppEnv>();

const changesQuery = z.object({
  since: z
    .union([idSchema, z.iso.datetime({ offset: true })], { error: "since must be a snapshot id or an ISO 8601 time" })
    // The pattern admits a few times no calendar has (24:00 with an offset and the like).
    .refine((value) => idSchema.safeParse(value).success || !Number.isNaN(Date.parse(value)), "since must be a real time"),
  format: z.enum(["json", "markdown"]).default("json"),
});

documentRoute({
  method: "get",
  path: "/api/rooms/:id/changes",
  summary: "Insertions and deletions since a snapshot or a time, with their authors (format=json|markdown)",
  auth: "anyone who may view the room",
  query: changesQuery,
  responses: {
    200: "{ since: { requested, snapshotId, snapshotAt, note }, changes: [{ kind, author: { id, name }, text, block }], truncated }, or a Markdown summary",
    400: "since is neither a snapshot id nor an ISO time",
    404: "No such snapshot",
    410: "The base snapshot's stored content is damaged",
  },
});
changesRoutes.get("/", async (c) => {
  const access = await viewableRoom(c);
  const { since, format } = readQuery(c, changesQuery);
  const base = await baseSnapshot(c, access.room.id, since);
  const state = base ? await snapshotState(c, base) : null;
  const { changes, truncated } = await roomStub(c.env, access.room.id).changesSince(state);
  const answer: DocumentChanges = {
    since: {
      requested: since,
      snapshotId: base?.id ?? null,
      snapshotAt: base ? new Date(base.createdAt).toISOString() : null,
      note: base
        ? `Changes since snapshot ${base.id}, taken ${new Date(base.createdAt).toISOString()}.`
        : "No snapshot at or before that time: changes since the room began.",
    },
    changes: await withAuthors(c, changes),
    truncated,
  };
  if (format === "json") return c.json(answer);
  return c.body(changesMarkdown(answer), 200, {
    "content-type": "text/markdown; charset=utf-8",
    "x-content-type-options": "nosniff",
    "content-security-policy": "sandbox; default-src 'none'",
  });
});

async function baseSnapshot(c: AppContext, roomId: string, since: string): Promise<SnapshotRow | null> {
  const db = database(c.env);
  if (idSchema.safeParse(since).success) {
    const [row] = await db.select().from(snapshots).where(and(eq(snapshots.id, since), eq(snapshots.roomId, roomId))).limit(1);
    if (!row) throw notFound("Snapshot");
    return row;
  }
  const [row] = await db
    .select()
    .from(snapshots)
    .where(and(eq(snapshots.roomId, roomId), lte(snapshots.createdAt, Date.parse(since))))
    .orderBy(desc(snapshots.createdAt), desc(snapshots.id))
    .limit(1);
  return row ?? null;
}

async function snapshotState(c: AppContext, row: SnapshotRow): Promise<Uint8Array> {
  try {
    const state = await readSnapshotState(c.env, row);
    if (!state) throw notFound("Snapshot content");
    return state;
  } catch (error) {
    if (error instanceof CorruptSnapshotError) throw new ApiError(410, "snapshot_unreadable", "This snapshot's stored content is damaged and cannot be used.");
    throw error;
  }
}

/** Authors are stored as user ids ("admin-token" and "unknown" aside); names are read now. */
async function withAuthors(c: AppContext, runs: ChangeRun[]): Promise<DocumentChange[]> {
  const ids = [...new Set(runs.map((run) => run.author))].filter((id) => idSchema.safeParse(id).success);
  const names = new Map<string, string>();
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < ids.length; i += 90) {
    const rows = await database(c.env).select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids.slice(i, i + 90)));
    for (const row of rows) names.set(row.id, row.name);
  }
  const authorOf = (key: string): ChangeAuthor => {
    if (key === UNKNOWN_AUTHOR) return { id: null, name: "Unknown" };
    if (key === "admin-token") return { id: null, name: "Admin script" };
    return { id: key, name: names.get(key) ?? "Deleted user" };
  };
  return runs.map((run) => ({ kind: run.kind, author: authorOf(run.author), text: run.text, block: run.block }));
}

function changesMarkdown(answer: DocumentChanges): string {
  const lines = [`# Changes`, "", answer.since.note, ""];
  if (answer.changes.length === 0) lines.push("Nothing changed.");
  for (const change of answer.changes) {
    const verb = change.kind === "insert" ? "added" : "deleted";
    const quoted = change.text.replace(/\s+/g, " ").trim();
    lines.push(`- **${escapeMarkdown(change.author.name)}** ${verb} in block ${change.block + 1}: “${escapeMarkdown(quoted)}”`);
  }
  if (answer.truncated) lines.push("", "(More changes were left out.)");
  return `${lines.join("\n")}\n`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, "\\$1");
}
