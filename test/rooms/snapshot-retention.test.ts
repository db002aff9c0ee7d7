import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AUTO_SNAPSHOTS_KEPT, pruneAutoSnapshots, snapshotKey } from "../../src/rooms/snapshots.ts";

async function insertSnapshot(roomId: string, reason: "auto" | "manual", createdAt: number): Promise<string> {
  const id = crypto.randomUUID();
  await env.STORAGE.put(snapshotKey(roomId, id), "state");
  await env.DB.prepare(
    "INSERT INTO snapshots (id, room_id, r2_key, bytes, checksum, state_vector_hash, reason, created_at) VALUES (?, ?, ?, 5, 'c', 'h', ?, ?)",
  )
    .bind(id, roomId, snapshotKey(roomId, id), reason, createdAt)
    .run();
  return id;
}

describe("snapshot retention", () => {
  it("keeps the newest automatic snapshots and every manual one, deleting R2 objects with their rows", async () => {
    const roomId = crypto.randomUUID();
    const autoIds: string[] = [];
    for (let i = 0; i < AUTO_SNAPSHOTS_KEPT + 3; i++) autoIds.push(await insertSnapshot(roomId, "auto", 1_000 + i));
    const manualId = await insertSnapshot(roomId, "manual", 1);

    expect(await pruneAutoSnapshots(env, roomId)).toBe(3);
    const left = await env.DB.prepare("SELECT id FROM snapshots WHERE room_id = ?").bind(roomId).all<{ id: string }>();
    const ids = new Set(left.results.map((r) => r.id));
    expect(ids.size).toBe(AUTO_SNAPSHOTS_KEPT + 1);
    expect(ids.has(manualId)).toBe(true);
    for (const oldest of autoIds.slice(0, 3)) {
      expect(ids.has(oldest)).toBe(false);
      expect(await env.STORAGE.head(snapshotKey(roomId, oldest))).toBeNull();
    }
    expect(await env.STORAGE.head(snapshotKey(roomId, autoIds.at(-1)!))).not.toBeNull();
    expect(await pruneAutoSnapshots(env, roomId)).toBe(0);
  });
});
