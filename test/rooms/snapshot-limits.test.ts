// Manual snapshots cost R2 bytes and D1 rows: unchanged content answers the kept snapshot,
// and a room keeps at most KEPT_SNAPSHOTS_MAX manual and restore snapshots.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KEPT_SNAPSHOTS_MAX, snapshotKey } from "../../src/rooms/snapshots.ts";
import { call, json, signUp, type Auth } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";

const writeText = (roomId: string, auth: Auth, text: string) =>
  call("PUT", `/api/rooms/${roomId}/document`, { auth, rawBody: text, headers: { "content-type": "text/plain" } });
const takeSnapshot = (roomId: string, auth: Auth, label?: string) =>
  call("POST", `/api/rooms/${roomId}/snapshots`, { auth, body: label ? { label } : {} });

async function keptRows(roomId: string): Promise<{ id: string; r2_key: string }[]> {
  const rows = await env.DB.prepare("SELECT id, r2_key FROM snapshots WHERE room_id = ? AND reason IN ('manual', 'restore')")
    .bind(roomId)
    .all<{ id: string; r2_key: string }>();
  return rows.results;
}

/** Fills the room's kept snapshots up to the cap with rows of other content. */
async function fillToCap(roomId: string, already: number): Promise<void> {
  const statements = [];
  for (let i = already; i < KEPT_SNAPSHOTS_MAX; i++) {
    const id = crypto.randomUUID();
    statements.push(
      env.DB.prepare(
        "INSERT INTO snapshots (id, room_id, r2_key, bytes, checksum, state_vector_hash, reason, created_at) VALUES (?, ?, ?, 1, ?, 'h', 'manual', ?)",
      ).bind(id, roomId, snapshotKey(roomId, id), `other-${i}`, i),
    );
  }
  await env.DB.batch(statements);
}

describe("manual snapshot deduplication", () => {
  it("answers a snapshot of unchanged content with the kept one (200, deduplicated), writing nothing", async () => {
    const owner = await signUp("Snapper");
    const room = await createRoom(owner.auth);
    expect((await writeText(room.id, owner.auth, "Version one.")).status).toBe(204);

    const first = await takeSnapshot(room.id, owner.auth, "v1");
    expect(first.status).toBe(201);
    const created = await json(first);
    expect(created.deduplicated).toBe(false);

    for (let i = 0; i < 3; i++) {
      const again = await takeSnapshot(room.id, owner.auth, `v1 again ${i}`);
      expect(again.status).toBe(200);
      const body = await json(again);
      expect(body).toMatchObject({ deduplicated: true, snapshot: { id: created.snapshot.id, label: "v1" } });
      expect(body.message).toMatch(/Nothing changed/);
    }
    expect(await keptRows(room.id)).toHaveLength(1);
    expect((await env.STORAGE.list({ prefix: `snapshots/${room.id}/` })).objects.length).toBe(1);

    // New content is a new snapshot.
    await writeText(room.id, owner.auth, "Version two.");
    expect((await takeSnapshot(room.id, owner.auth, "v2")).status).toBe(201);
    expect(await keptRows(room.id)).toHaveLength(2);
  });

  it("parallel requests for the same content keep one snapshot", async () => {
    const owner = await signUp("Racer");
    const room = await createRoom(owner.auth);
    await writeText(room.id, owner.auth, "Same content.");
    const answers = await Promise.all(Array.from({ length: 6 }, () => takeSnapshot(room.id, owner.auth)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(await keptRows(room.id)).toHaveLength(1);
    expect((await env.STORAGE.list({ prefix: `snapshots/${room.id}/` })).objects.length).toBe(1);
  });
});

describe("kept snapshot cap", () => {
  it(`refuses a manual snapshot and a restore past ${KEPT_SNAPSHOTS_MAX} with 409 until an owner deletes one`, async () => {
    const owner = await signUp("Keeper");
    const editor = await signUp("Filler");
    const room = await createRoom(owner.auth);
    await addMember(owner.auth, room.id, editor, "editor");
    await writeText(room.id, owner.auth, "Original.");
    const original = (await json(await takeSnapshot(room.id, owner.auth, "original"))).snapshot;
    await fillToCap(room.id, 1);
    await writeText(room.id, editor.auth, "Changed by the filler.");

    const refused = await takeSnapshot(room.id, editor.auth, "one too many");
    expect(refused.status).toBe(409);
    expect((await json(refused)).error.code).toBe("snapshot_limit_reached");
    const restore = await call("POST", `/api/rooms/${room.id}/snapshots/${original.id}/restore`, { auth: editor.auth });
    expect(restore.status).toBe(409);
    expect((await json(restore)).error.code).toBe("snapshot_limit_reached");
    // The refused restore did not touch the document.
    const text = await (await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth })).text();
    expect(text).toContain("Changed by the filler.");
    expect(await keptRows(room.id)).toHaveLength(KEPT_SNAPSHOTS_MAX);

    // Only owners (and admins) delete snapshots; deleting frees a place.
    const victim = (await keptRows(room.id)).find((row) => row.id !== original.id)!;
    expect((await call("DELETE", `/api/rooms/${room.id}/snapshots/${victim.id}`, { auth: editor.auth })).status).toBe(403);
    expect((await call("DELETE", `/api/rooms/${room.id}/snapshots/${original.id}`, { auth: owner.auth })).status).toBe(204);
    expect(await env.STORAGE.head(snapshotKey(room.id, original.id))).toBeNull();
    expect((await call("GET", `/api/rooms/${room.id}/snapshots/${original.id}`, { auth: owner.auth })).status).toBe(404);
    expect((await takeSnapshot(room.id, editor.auth, "now it fits")).status).toBe(201);
    expect((await takeSnapshot(room.id, editor.auth, "full again")).status).toBe(200); // same content: deduplicated, not refused
  });
});
