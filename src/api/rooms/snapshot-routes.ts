// /api/rooms/:id/snapshots: the room's history. Snapshots are written by the room object
// (automatically after edits, or on demand here); restoring applies the old content as a
// new edit, so open editors change live and no history is rewritten.
import { and, desc, eq, or } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { snapshots, users, type SnapshotRow } from "../../db/schema.ts";
import {
  CorruptSnapshotError,
  deleteSnapshot,
  KEPT_SNAPSHOTS_MAX,
  keptSnapshotCount,
  readSnapshotState,
  type WrittenSnapshot,
} from "../../rooms/snapshots.ts";
import { roomStub } from "../../rooms/stub.ts";
import type { AppContext, AppEnv } from "../context.ts";
import { database } from "../../core/db.ts";
import { ApiError, notFound } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { olderThan, pageOf, readCursor } from "../pagination.ts";
import { idSchema, pageQuery, readJson, readParams, readQuery } from "../validation.ts";
import { formatQuery, renderState } from "./document-routes.ts";
import { editableRoom, managedRoom, viewableRoom } from "./load.ts";
import { presentSnapshot } from "./present.ts";
import { assertApplied } from "./room-calls.ts";

export const snapshotRoutes = new Hono<AppEnv>();

const snapshotParams = z.object({ id: idSchema, sid: idSchema });
const createSnapshotBody = z.strictObject({ label: z.string().trim().min(1).max(200).optional() });

const snapshotLimitReached = () =>
  new ApiError(
    409,
    "snapshot_limit_reached",
    `This room keeps at most ${KEPT_SNAPSHOTS_MAX} manual and restore snapshots; an owner must delete old ones first.`,
  );

/** 201 for a new snapshot; 200 when the content equals a kept snapshot, which is answered instead. */
function answerWritten(c: AppContext, row: WrittenSnapshot, authorName: string | null) {
  const { reused, ...snapshot } = row;
  if (!reused) return c.json({ snapshot: presentSnapshot(snapshot, authorName), deduplicated: false }, 201);
  return c.json({
    snapshot: presentSnapshot(snapshot, null),
    deduplicated: true,
    message: "Nothing changed since this snapshot; it was kept instead of a copy.",
  });
}

async function findSnapshot(c: AppContext, roomId: string, snapshotId: string): Promise<SnapshotRow> {
  const [row] = await database(c.env)
    .select()
    .from(snapshots)
    .where(and(eq(snapshots.id, snapshotId), eq(snapshots.roomId, roomId)))
    .limit(1);
  if (!row) throw notFound("Snapshot");
  return row;
}

async function snapshotState(c: AppContext, row: SnapshotRow): Promise<Uint8Array> {
  let state: Uint8Array | null;
  try {
    state = await readSnapshotState(c.env, row);
  } catch (error) {
    // Neither previewed nor restored: serving bytes that fail their checksum could put damage
    // into the live document. The room itself skips such snapshots (room.ts).
    if (error instanceof CorruptSnapshotError) throw new ApiError(410, "snapshot_unreadable", "This snapshot's stored content is damaged and cannot be used.");
    throw error;
  }
  if (!state) throw notFound("Snapshot content");
  return state;
}

documentRoute({
  method: "get",
  path: "/api/rooms/:id/snapshots",
  summary: "The room's snapshots, newest first",
  auth: "anyone who may view the room",
  query: pageQuery,
  responses: { 200: "{ snapshots, nextCursor }" },
});
snapshotRoutes.get("/", async (c) => {
  const access = await viewableRoom(c);
  const { limit, cursor } = readQuery(c, pageQuery);
  const after = readCursor(cursor);
  const rows = await database(c.env)
    .select({ snapshot: snapshots, authorName: users.name })
    .from(snapshots)
    .leftJoin(users, eq(users.id, snapshots.createdBy))
    .where(
      and(
        eq(snapshots.roomId, access.room.id),
        olderThan(snapshots, after),
      ),
    )
    .orderBy(desc(snapshots.createdAt), desc(snapshots.id))
    .limit(limit + 1);
  const { page, nextCursor } = pageOf(rows, limit, (row) => row.snapshot);
  return c.json({ snapshots: page.map((r) => presentSnapshot(r.snapshot, r.authorName)), nextCursor });
});

documentRoute({
  method: "post",
  path: "/api/rooms/:id/snapshots",
  summary: "Take a snapshot now, with an optional label (unchanged content answers the existing snapshot)",
  auth: "editors of the room",
  body: createSnapshotBody,
  responses: {
    201: "{ snapshot, deduplicated: false }",
    200: "{ snapshot, deduplicated: true, message }: the content equals a kept snapshot",
    409: "snapshot_limit_reached: the room keeps KEPT_SNAPSHOTS_MAX manual and restore snapshots",
  },
});
snapshotRoutes.post("/", async (c) => {
  const access = await editableRoom(c);
  const body = await readJson(c, createSnapshotBody);
  const principal = c.get("principal");
  const row = await roomStub(c.env, access.room.id).snapshot({
    reason: "manual",
    by: principal?.user?.id ?? null,
    label: body.label ?? null,
  });
  // A manual snapshot is never skipped for being unchanged, so null can only be the cap.
  if (!row) throw snapshotLimitReached();
  return answerWritten(c, row, principal?.user?.name ?? null);
});

documentRoute({
  method: "get",
  path: "/api/rooms/:id/snapshots/:sid",
  summary: "The content at a snapshot (format=json|markdown|html|text|yjs)",
  auth: "anyone who may view the room",
  query: formatQuery,
  responses: { 200: "The content", 404: "No such snapshot", 410: "Stored content damaged" },
});
snapshotRoutes.get("/:sid", async (c) => {
  const { sid } = readParams(c, snapshotParams);
  const { format } = readQuery(c, formatQuery);
  const access = await viewableRoom(c);
  const row = await findSnapshot(c, access.room.id, sid);
  return renderState(c, await snapshotState(c, row), format);
});

documentRoute({
  method: "post",
  path: "/api/rooms/:id/snapshots/:sid/restore",
  summary: "Restore a snapshot's content as a new edit (live for open editors)",
  auth: "editors of the room",
  responses: {
    200: "{ snapshot, deduplicated } (the snapshot taken after restoring, or the kept one with that content)",
    404: "No such snapshot",
    409: "snapshot_limit_reached",
    410: "Stored content damaged",
  },
});
snapshotRoutes.post("/:sid/restore", async (c) => {
  const { sid } = readParams(c, snapshotParams);
  const access = await editableRoom(c);
  const row = await findSnapshot(c, access.room.id, sid);
  const state = await snapshotState(c, row);
  // Checked before the document changes: a restore always ends with its snapshot.
  if ((await keptSnapshotCount(c.env, access.room.id)) >= KEPT_SNAPSHOTS_MAX) throw snapshotLimitReached();
  const principal = c.get("principal");
  const label = `Restored ${row.label ? `"${row.label}"` : "snapshot"} from ${new Date(row.createdAt).toISOString()}`;
  const after = await roomStub(c.env, access.room.id).restoreState(state, principal?.user?.id ?? null, label);
  if (typeof after === "string") {
    assertApplied(after);
    throw new Error(`unexpected restore outcome ${after}`);
  }
  const { reused, ...snapshot } = after;
  return c.json({ snapshot: presentSnapshot(snapshot, reused ? null : (principal?.user?.name ?? null)), deduplicated: reused });
});

documentRoute({
  method: "delete",
  path: "/api/rooms/:id/snapshots/:sid",
  summary: "Delete a snapshot (frees room under the manual snapshot cap)",
  auth: "owner or admin",
  responses: { 204: "Deleted", 403: "Not the owner", 404: "No such snapshot" },
});
snapshotRoutes.delete("/:sid", async (c) => {
  const { sid } = readParams(c, snapshotParams);
  const access = await managedRoom(c);
  await deleteSnapshot(c.env, await findSnapshot(c, access.room.id, sid));
  return c.body(null, 204);
});
