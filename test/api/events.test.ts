// The event log (issue 19 item 1): what each change records, order and cursors across many
// concurrent writers (no gaps, no duplicates), retention, and who may read which feed.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recordEvent } from "../../src/core/events.ts";
import { pruneEvents } from "../../src/api/events/prune.ts";
import { admin, type Auth, call, json, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { until } from "../helpers/yjs-clients.ts";

type Event = { id: string; roomId: string | null; seq: number; type: string; actor: string | null; data: Record<string, unknown>; createdAt: string };

/** Every event after `after` of a feed, page by page. */
async function readAll(path: string, auth: Auth, after?: string, limit = 7): Promise<{ events: Event[]; cursor: string | null }> {
  const all: Event[] = [];
  let cursor = after ?? null;
  for (;;) {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor && { after: cursor }) });
    const response = await call("GET", `${path}${path.includes("?") ? "&" : "?"}${query}`, { auth });
    expect(response.status).toBe(200);
    const page = await json<{ events: Event[]; nextCursor: string | null }>(response);
    all.push(...page.events);
    if (page.events.length === 0) return { events: all, cursor: page.nextCursor };
    cursor = page.nextCursor;
  }
}

const types = (events: Event[]) => events.map((e) => e.type);

describe("the event log", () => {
  it("records what happens in a room, in order, each with the room's next seq", async () => {
    const owner = await signUp("Owner");
    const guest = await signUp("Guest");
    const room = await createRoom(owner.auth, { name: "Plans" });
    await addMember(owner.auth, room.id, guest, "editor");
    expect((await call("PATCH", `/api/rooms/${room.id}`, { auth: owner.auth, body: { name: "Plans 2" } })).status).toBe(200);
    expect((await call("POST", `/api/rooms/${room.id}/members`, { auth: owner.auth, body: { userId: guest.id, role: "viewer" } })).status).toBe(200);
    expect((await call("POST", `/api/rooms/${room.id}/messages`, { auth: owner.auth, body: { body: "hello" } })).status).toBe(201);
    expect((await call("POST", `/api/rooms/${room.id}/snapshots`, { auth: owner.auth, body: { label: "v1" } })).status).toBe(201);
    const form = new FormData();
    form.set("roomId", room.id);
    form.set("file", new File(["notes"], "notes.txt", { type: "text/plain" }));
    const upload = await call("POST", "/api/upload", { auth: owner.auth, rawBody: form });
    expect(upload.status).toBe(201);
    const fileId = (await json(upload)).id;
    expect((await call("DELETE", `/api/files/${fileId}`, { auth: owner.auth })).status).toBe(204);
    expect((await call("DELETE", `/api/rooms/${room.id}/members/${guest.id}`, { auth: owner.auth })).status).toBe(204);

    const feed = `/api/rooms/${room.id}/events`;
    await until(async () => {
      const { events } = await readAll(feed, owner.auth);
      expect(types(events)).toContain("message.created"); // recorded by the Presence object in the background
    });
    const { events } = await readAll(feed, owner.auth);
    expect(types(events)).toEqual([
      "room.created",
      "member.invited",
      "member.added",
      "room.updated",
      "member.role_changed",
      "message.created",
      "snapshot.created",
      "file.uploaded",
      "file.deleted",
      "member.removed",
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((e) => e.roomId === room.id)).toBe(true);
    expect(events[0]!.actor).toBe(owner.id);
    expect(events[2]!.actor).toBe(guest.id);
    expect(events[3]!.data).toEqual({ changes: { name: "Plans 2" } });
    expect(events[4]!.data).toMatchObject({ userId: guest.id, role: "viewer", previousRole: "editor" });
    // Invitations carry no address: every viewer of the room reads this feed.
    expect(JSON.stringify(events[1]!.data)).not.toContain("@");
  });

  it("a document edit becomes one debounced document.updated with its authors and block counts", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const put = (text: string) =>
      call("PUT", `/api/rooms/${room.id}/document`, { auth: owner.auth, rawBody: text, headers: { "content-type": "text/markdown" } });
    expect((await put("# Title\n\nOne.\n\nTwo.")).status).toBe(204);
    expect((await put("# Title\n\nOne.\n\nTwo.\n\nThree.")).status).toBe(204);
    let updates: Event[] = [];
    await until(async () => {
      const { events } = await readAll(`/api/rooms/${room.id}/events?types=document.*`, owner.auth);
      updates = events;
      const blocks = updates.reduce((sum, e) => sum + (e.data.blocks as { inserted: number }).inserted, 0);
      expect(blocks).toBe(4); // Title, One, Two, then Three
    }, 15_000);
    expect(updates.length).toBeLessThanOrEqual(2); // two quick edits: one event, or one more after the debounce
    expect(updates[0]!.data.authors).toEqual([owner.id]);
  });

  it("many concurrent writers: every feed is gap-free and in order, and `after` returns exactly what came later", async () => {
    const owner = await signUp("Owner");
    const rooms = [await createRoom(owner.auth), await createRoom(owner.auth), await createRoom(owner.auth)];
    const { cursor: start } = await readAll("/api/events", admin, undefined, 500);
    const writes = 60;
    // A reader follows the global feed while the writers write; what it collects must be the same list.
    let writing = true;
    const followed: Event[] = [];
    const follower = (async () => {
      let cursor = start;
      while (writing || followed.length < writes) {
        const page = await readAll("/api/events", admin, cursor ?? undefined, 5);
        followed.push(...page.events);
        cursor = page.cursor;
        if (!writing && page.events.length === 0) break;
      }
    })();
    // Writers through the log's API and through real routes (renames), all at once.
    await Promise.all([
      ...Array.from({ length: writes }, (_, i) =>
        recordEvent(env, { roomId: rooms[i % 3]!.id, type: "test.write", actor: owner.id, data: { i } }),
      ),
      ...Array.from({ length: 12 }, (_, i) =>
        call("PATCH", `/api/rooms/${rooms[i % 3]!.id}`, { auth: owner.auth, body: { name: `Name ${i}` } }).then((r) => expect(r.status).toBe(200)),
      ),
    ]);
    writing = false;
    await follower;
    const { events: after } = await readAll("/api/events?types=test.write", admin, start ?? undefined);
    expect(after).toHaveLength(writes);
    const ids = after.map((e) => e.id);
    expect(new Set(ids).size).toBe(writes);
    expect(followed.filter((e) => e.type === "test.write").map((e) => e.id)).toEqual(ids);
    expect(new Set(after.map((e) => e.data.i)).size).toBe(writes);
    for (const room of rooms) {
      const { events } = await readAll(`/api/rooms/${room.id}/events`, owner.auth, undefined, 4);
      // room.created is seq 1; the writes and renames follow with no gap and no repeat.
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events).toHaveLength(1 + writes / 3 + 4);
      expect(events.filter((e) => e.type === "room.updated")).toHaveLength(4);
    }
    // Past the end, a cursor stays put and returns nothing.
    const last = after.at(-1)!.id;
    const tail = await json(await call("GET", `/api/events?types=test.write&after=${last}`, { auth: admin }));
    expect(tail).toEqual({ events: [], nextCursor: last });
  });

  it("prunes events past EVENT_RETENTION_DAYS but keeps each room's newest, so seq keeps counting", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const old = Date.now() - 31 * 24 * 60 * 60 * 1000;
    await recordEvent(env, { roomId: room.id, type: "test.old", actor: null });
    await recordEvent(env, { roomId: room.id, type: "test.old", actor: null });
    await env.DB.prepare("UPDATE events SET created_at = ? WHERE room_id = ?").bind(old, room.id).run();
    // A deleted room's old events go too, its room.deleted included.
    const gone = await createRoom(owner.auth);
    expect((await call("DELETE", `/api/rooms/${gone.id}`, { auth: owner.auth })).status).toBe(204);
    await env.DB.prepare("UPDATE events SET created_at = ? WHERE room_id = ?").bind(old, gone.id).run();

    expect(await pruneEvents(env)).toBeGreaterThanOrEqual(4);
    const { events } = await readAll(`/api/rooms/${room.id}/events`, owner.auth);
    expect(events.map((e) => [e.type, e.seq])).toEqual([["test.old", 3]]);
    await recordEvent(env, { roomId: room.id, type: "test.new", actor: null });
    const { events: later } = await readAll(`/api/rooms/${room.id}/events`, owner.auth);
    expect(later.map((e) => e.seq)).toEqual([3, 4]);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE room_id = ?").bind(gone.id).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });

  it("a deleted room's feed is gone (404); its room.deleted stays in the global feed", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth, { name: "Doomed" });
    const { cursor } = await readAll("/api/events", admin, undefined, 500);
    expect((await call("DELETE", `/api/rooms/${room.id}`, { auth: owner.auth })).status).toBe(204);
    expect((await call("GET", `/api/rooms/${room.id}/events`, { auth: owner.auth })).status).toBe(404);
    const { events } = await readAll("/api/events?types=room.*", admin, cursor ?? undefined);
    expect(events.filter((e) => e.roomId === room.id).map((e) => [e.type, e.data.name, e.actor])).toEqual([["room.deleted", "Doomed", owner.id]]);
  });

  it("who may read: room viewers their room's feed, admins the global feed; bad input is 400", async () => {
    const owner = await signUp("Owner");
    const viewer = await signUp("Viewer");
    const outsider = await signUp("Outsider");
    const room = await createRoom(owner.auth);
    await addMember(owner.auth, room.id, viewer, "viewer");
    expect((await call("GET", `/api/rooms/${room.id}/events`, { auth: viewer.auth })).status).toBe(200);
    expect((await call("GET", `/api/rooms/${room.id}/events`, { auth: outsider.auth })).status).toBe(404);
    expect((await call("GET", `/api/rooms/${room.id}/events`)).status).toBe(404);
    expect((await call("GET", "/api/events", { auth: owner.auth })).status).toBe(403);
    expect((await call("GET", "/api/events")).status).toBe(401);
    for (const query of ["after=%%%", "after=bm90IGpzb24", "limit=0", "limit=501", "types=DROP%20TABLE", "types=a.b.c"]) {
      const response = await call("GET", `/api/events?${query}`, { auth: admin });
      expect(response.status, query).toBe(400);
    }
  });
});
