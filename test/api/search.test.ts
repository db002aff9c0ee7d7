// Search through the real pipeline: edits and chat reach the index by the Room's and the
// Presence object's hooks and the real queue (never by calling the indexer), and the route
// answers only from rooms the caller may view.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SearchPage, SearchResult } from "../../src/shared/api-types.ts";
import { admin, type Auth, call, json, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { CANDIDATE_CAP } from "../../src/api/search/search.ts";
import { roomChannel, type ServerFrame } from "../../src/shared/chat-protocol.ts";
import { ChatSocket } from "../helpers/ws-chat.ts";

async function search(auth: Auth, q: string, extra: Record<string, string> = {}): Promise<SearchPage> {
  const response = await call("GET", `/api/search?${new URLSearchParams({ q, ...extra })}`, { auth });
  expect(response.status).toBe(200);
  return json(response);
}

/** Polls until `q` finds something (or finds nothing, with `expectNone`), within `withinMs`. */
async function findWithin(auth: Auth, q: string, withinMs: number, extra: Record<string, string> = {}): Promise<SearchResult[]> {
  let results: SearchResult[] = [];
  await expect
    .poll(async () => (results = (await search(auth, q, extra)).results).length, { timeout: withinMs, interval: 100 })
    .toBeGreaterThan(0);
  return results;
}

async function writeDocument(auth: Auth, roomId: string, markdown: string) {
  const response = await call("PUT", `/api/rooms/${roomId}/document`, { auth, rawBody: markdown, headers: { "content-type": "text/markdown" } });
  expect(response.status).toBe(204);
}

async function postMessage(auth: Auth, roomId: string, body: string): Promise<{ id: string; seq: number }> {
  const response = await call("POST", `/api/rooms/${roomId}/messages`, { auth, body: { body } });
  expect(response.status).toBe(201);
  return (await json(response)).message;
}

function upload(auth: Auth, roomId: string, name: string, text: string, type = "text/plain") {
  const form = new FormData();
  form.append("roomId", roomId);
  form.append("file", new Blob([new TextEncoder().encode(text)], { type }), name);
  return call("POST", "/api/upload", { auth, rawBody: form });
}

/** The highlighted words of a result, as the client would mark them. */
const highlighted = (result: SearchResult) => result.highlights.map(([start, end]) => result.snippet.slice(start, end));

describe("each type is found, fresh, with snippets and highlights", () => {
  it("a document block, with its heading path, within 10 s of the edit", async () => {
    const owner = await signUp("Alice");
    const room = await createRoom(owner.auth, { name: "Finance" });
    const started = Date.now();
    await writeDocument(owner.auth, room.id, "# Plan\n\n## Budget\n\nThe quarterly revenue grew by a café-sized margin.\n\nUnrelated closing words.");
    const [hit, ...rest] = await findWithin(owner.auth, "quarterly revenue", 10_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(rest).toEqual([]);
    expect(hit).toMatchObject({ type: "document", roomId: room.id, roomName: "Finance", position: 2, url: `/#/rooms/${room.id}?block=2` });
    expect(hit!.snippet).toContain("The quarterly revenue grew");
    expect(highlighted(hit!)).toEqual(["quarterly", "revenue"]);
    // Diacritics are folded, prefixes match, phrases keep their order.
    expect((await search(owner.auth, "cafe")).results.map((r) => r.id)).toEqual([hit!.id]);
    expect((await search(owner.auth, "quart*")).results.map((r) => r.id)).toEqual([hit!.id]);
    expect((await search(owner.auth, '"revenue quarterly"')).results).toEqual([]);
    expect((await search(owner.auth, "budget")).results.map((r) => r.id)).toContain(hit!.id); // found by its heading path
  });

  it("only changed blocks are rewritten: an untouched block keeps its entry", async () => {
    const owner = await signUp("Alice");
    const room = await createRoom(owner.auth);
    await writeDocument(owner.auth, room.id, "Stable paragraph about zeppelins.\n\nFirst draft of the lighthouse.");
    const [stable] = await findWithin(owner.auth, "zeppelins", 10_000);
    await writeDocument(owner.auth, room.id, "Stable paragraph about zeppelins.\n\nSecond draft of the windmill.");
    await findWithin(owner.auth, "windmill", 10_000);
    expect((await search(owner.auth, "lighthouse")).results).toEqual([]);
    expect((await search(owner.auth, "zeppelins")).results.map((r) => [r.id, r.at])).toEqual([[stable!.id, stable!.at]]);
  });

  it("a chat message within 2 s, and gone at once when deleted", async () => {
    const owner = await signUp("Alice");
    const room = await createRoom(owner.auth, { name: "Chatty" });
    const started = Date.now();
    const message = await postMessage(owner.auth, room.id, "Who has the marmalade invoice?");
    const [hit] = await findWithin(owner.auth, "marmalade", 2_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    // The url carries the message's seq, so the chat can page back to it.
    expect(hit).toMatchObject({ type: "message", id: message.id, roomName: "Chatty", seq: message.seq, url: `/#/rooms/${room.id}?message=${message.id}&seq=${message.seq}` });
    expect(highlighted(hit!)).toEqual(["marmalade"]);
  });

  it("a file by its name and, for a small text file, by its text; gone when the file is deleted", async () => {
    const owner = await signUp("Alice");
    const room = await createRoom(owner.auth);
    const created = await upload(owner.auth, room.id, "kumquat-report.md", "# Notes\n\nThe persimmon harvest was late.", "text/markdown");
    expect(created.status).toBe(201);
    const file = await json(created);
    const [byName] = await findWithin(owner.auth, "kumquat", 10_000, { type: "file" });
    expect(byName).toMatchObject({ type: "file", id: file.id, url: `/api/files/${file.id}` });
    expect((await search(owner.auth, "persimmon")).results.map((r) => r.id)).toEqual([file.id]);
    expect((await call("DELETE", `/api/files/${file.id}`, { auth: owner.auth })).status).toBe(204);
    expect((await search(owner.auth, "kumquat")).results).toEqual([]);
  });

  it("filters by type and room, excludes words, and pages with a cursor", async () => {
    const owner = await signUp("Alice");
    const room = await createRoom(owner.auth);
    const other = await createRoom(owner.auth);
    for (let i = 0; i < 3; i++) await postMessage(owner.auth, room.id, `pelican number ${i}${i === 1 ? " draft" : ""}`);
    await postMessage(owner.auth, other.id, "pelican elsewhere");
    await expect.poll(async () => (await search(owner.auth, "pelican")).results.length, { timeout: 5_000, interval: 100 }).toBe(4);
    expect((await search(owner.auth, "pelican", { roomId: room.id })).results).toHaveLength(3);
    expect((await search(owner.auth, "pelican -draft", { roomId: room.id })).results).toHaveLength(2);
    expect((await search(owner.auth, "pelican", { type: "document" })).results).toEqual([]);
    const first = await search(owner.auth, "pelican", { limit: "3" });
    expect(first.results).toHaveLength(3);
    const second = await search(owner.auth, "pelican", { limit: "3", cursor: first.nextCursor! });
    expect(second.results).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    // Equal relevance: the most recent first.
    const ats = first.results.map((r) => r.at);
    expect([...ats].sort().reverse()).toEqual(ats);
  });
});

describe("ranking at scale", () => {
  it("ranks by bm25 when few entries match, and among the CANDIDATE_CAP newest when a word matches more", async () => {
    const owner = await signUp("Alice");
    const room = await createRoom(owner.auth);
    // Entries written straight into D1 (the FTS triggers index them): this is about the query,
    // and 2,000 messages through the queue would take minutes.
    const insert = env.DB.prepare("INSERT INTO search_entries (type, room_id, item_id, title, body, at) VALUES ('message', ?, ?, 'Bench', ?, ?)");
    const rows = [
      // The oldest ten say the word three times: the best bm25 of all, but outside the cap.
      ...Array.from({ length: 10 }, (_, i) => insert.bind(room.id, `old-${i}`, "okapi okapi okapi in the archive", 1_000 + i)),
      ...Array.from({ length: CANDIDATE_CAP }, (_, i) => insert.bind(room.id, `new-${i}`, `okapi sighting number ${i} in the field notes`, 10_000 + i)),
    ];
    for (let i = 0; i < rows.length; i += 500) await env.DB.batch(rows.slice(i, i + 500));
    const capped = (await search(owner.auth, "okapi", { limit: "50" })).results;
    expect(capped).toHaveLength(50);
    expect(capped.some((r) => r.id.startsWith("old-"))).toBe(false);
    const scores = capped.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    // Under the cap the ranking is exact: the triple mention comes first.
    await env.DB.batch([insert.bind(room.id, "rare-best", "wombat wombat wombat", 1), insert.bind(room.id, "rare-other", "a wombat once", 2)]);
    expect((await search(owner.auth, "wombat")).results.map((r) => r.id)).toEqual(["rare-best", "rare-other"]);
  });
});

describe("a deleted account", () => {
  /** Until no index-message job is queued or running (so a late job had its chance to write). */
  async function indexJobsSettled(): Promise<void> {
    const pending = async (status: string) => (await json(await call("GET", `/api/jobs?type=index-message&status=${status}&limit=1`, { auth: admin }))).jobs.length;
    await expect.poll(async () => (await pending("queued")) + (await pending("running")), { timeout: 10_000, interval: 100 }).toBe(0);
  }

  it("its chat messages leave the history and the index at once, also one whose index job is still queued", async () => {
    const owner = await signUp("Alice");
    const leaver = await signUp("Bob");
    const room = await createRoom(owner.auth, { name: "Leaving" });
    await addMember(owner.auth, room.id, leaver, "editor");
    const kept = await postMessage(owner.auth, room.id, "Alice keeps her tamarind note.");
    const indexed = await postMessage(leaver.auth, room.id, "Bob wrote about the tamarind crates.");
    await expect.poll(async () => (await search(owner.auth, "tamarind")).results.length, { timeout: 2_000, interval: 100 }).toBe(2);
    // Written just before the deletion: its index job may run after it.
    await postMessage(leaver.auth, room.id, "Bob's last word on the pomegranate order.");

    const deleted = await call("DELETE", `/api/users/${leaver.id}`, { auth: leaver.auth, body: { currentPassword: leaver.password } });
    expect(deleted.status).toBe(204);
    // At once: no waiting between the deletion and these reads.
    expect((await search(owner.auth, "tamarind")).results.map((r) => r.id)).toEqual([kept.id]);
    const history = (await json(await call("GET", `/api/rooms/${room.id}/messages`, { auth: owner.auth }))).messages;
    expect(history.map((m: { id: string }) => m.id)).toEqual([kept.id]);
    expect(history.map((m: { id: string }) => m.id)).not.toContain(indexed.id);
    await indexJobsSettled();
    expect((await search(owner.auth, "pomegranate")).results).toEqual([]);
    expect((await search(owner.auth, "tamarind")).results.map((r) => r.id)).toEqual([kept.id]);
  });
});

describe("backfill", () => {
  it("indexes existing rooms from scratch over a chain of jobs, and running it again changes nothing", async () => {
    const owner = await signUp("Alice");
    const room = await createRoom(owner.auth);
    await writeDocument(owner.auth, room.id, "# Archive\n\nThe walrus ledger from last year.");
    expect((await upload(owner.auth, room.id, "walrus.txt", "tusks")).status).toBe(201);
    // More rooms than one backfill job takes (10), so the chain hands on at least once.
    const rooms = [room, ...(await Promise.all(Array.from({ length: 11 }, () => createRoom(owner.auth))))];
    // As the admin token (a script): an owner's own posts are rate limited past 10.
    for (const r of rooms) await postMessage(admin, r.id, "walrus meeting moved");
    const everything = 2 + rooms.length;
    const walruses = async () => (await search(owner.auth, "walrus", { limit: "50" })).results;
    await expect.poll(async () => (await walruses()).length, { timeout: 10_000, interval: 100 }).toBe(everything);
    // As if the rooms predated search: an empty index.
    await env.DB.prepare("DELETE FROM search_entries").run();
    expect(await walruses()).toEqual([]);

    const backfill = async () => {
      const started = await call("POST", "/api/search/backfill", { auth: admin });
      expect(started.status).toBe(202);
      const busy = async () => {
        const [queued, running] = await Promise.all(
          ["queued", "running"].map(async (status) => (await json(await call("GET", `/api/jobs?type=search-backfill&status=${status}`, { auth: admin }))).jobs.length),
        );
        return queued! + running!;
      };
      await expect.poll(busy, { timeout: 15_000, interval: 100 }).toBe(0);
      return (await env.DB.prepare("SELECT id, type, item_id, at FROM search_entries ORDER BY id").all()).results;
    };
    const first = await backfill();
    const found = await walruses();
    expect(found).toHaveLength(everything);
    expect(new Set(found.map((r) => r.roomId))).toEqual(new Set(rooms.map((r) => r.id)));
    expect(found.map((r) => r.type).filter((t) => t !== "message").sort()).toEqual(["document", "file"]);
    const jobs = (await json(await call("GET", "/api/jobs?type=search-backfill", { auth: admin }))).jobs;
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    expect(await backfill()).toEqual(first);
  });
});

describe("debounce", () => {
  it("a burst of edits queues at most two index jobs, and the last edit is the one found", async () => {
    const owner = await signUp("Alice");
    const room = await createRoom(owner.auth);
    for (let i = 0; i < 5; i++) await writeDocument(owner.auth, room.id, `Version ${i} mentions ocelot${i}.`);
    await findWithin(owner.auth, "ocelot4", 10_000);
    expect((await search(owner.auth, "ocelot0")).results).toEqual([]);
    const jobs = await env.DB.prepare("SELECT count(*) AS n FROM jobs WHERE type = 'index-document' AND payload LIKE ?")
      .bind(`%${room.id}%`)
      .first<{ n: number }>();
    expect(jobs?.n).toBeGreaterThanOrEqual(1);
    expect(jobs?.n).toBeLessThanOrEqual(2);
  });

  it("a burst of chat messages is indexed by a few jobs for the room, not one per message, and every message is found", async () => {
    const owner = await signUp("Alice");
    const room = await createRoom(owner.auth);
    const started = Date.now();
    const posted = await Promise.all(Array.from({ length: 30 }, (_, i) => postMessage(admin, room.id, `capybara report ${i}`)));
    await expect.poll(async () => (await search(owner.auth, "capybara", { limit: "50" })).results.length, { timeout: 5_000, interval: 100 }).toBe(30);
    const found = (await search(owner.auth, "capybara", { limit: "50" })).results;
    expect(found.map((r) => r.id).sort()).toEqual(posted.map((m) => m.id).sort());
    expect(found.every((r) => r.seq === posted.find((m) => m.id === r.id)!.seq)).toBe(true);
    const jobs = await env.DB.prepare("SELECT count(*) AS n FROM jobs WHERE type IN ('index-messages', 'index-message') AND payload LIKE ?")
      .bind(`%${room.id}%`)
      .first<{ n: number }>();
    // One at once, then at most about two per second of the burst.
    expect(jobs?.n).toBeGreaterThanOrEqual(1);
    expect(jobs?.n).toBeLessThanOrEqual(2 + 2 * Math.ceil((Date.now() - started) / 1000));
    expect(jobs?.n).toBeLessThan(30);
  });

  it("an edited message is re-indexed by its own job", async () => {
    const owner = await signUp("Alice");
    const room = await createRoom(owner.auth);
    const channel = roomChannel(room.id);
    const socket = await ChatSocket.open(owner.auth);
    socket.send({ type: "subscribe", channel });
    await socket.next((f) => f.type === "subscribed");
    socket.send({ type: "send", channel, body: "the first draft mentions a tapir", nonce: "n1" });
    const sent = await socket.next<Extract<ServerFrame, { type: "message" }>>((f) => f.type === "message" && f.nonce === "n1");
    await findWithin(owner.auth, "tapir", 2_000);
    socket.send({ type: "edit", id: sent.message.id, body: "the final text mentions a quokka" });
    const [hit] = await findWithin(owner.auth, "quokka", 2_000);
    expect(hit).toMatchObject({ id: sent.message.id, seq: sent.message.seq });
    expect((await search(owner.auth, "tapir")).results).toEqual([]);

    // Edited before the room's history job ran: the earlier message is not skipped, and the
    // edited one is found by its final text (the edit's job only rewrites existing entries).
    socket.send({ type: "send", channel, body: "an earlier note on the armadillo", nonce: "n2" });
    socket.send({ type: "send", channel, body: "a hasty draft", nonce: "n3" });
    const hasty = await socket.next<Extract<ServerFrame, { type: "message" }>>((f) => f.type === "message" && f.nonce === "n3");
    socket.send({ type: "edit", id: hasty.message.id, body: "a careful pangolin" });
    await findWithin(owner.auth, "armadillo", 3_000);
    const [edited] = await findWithin(owner.auth, "pangolin", 3_000);
    expect(edited).toMatchObject({ id: hasty.message.id, seq: hasty.message.seq });
    expect((await search(owner.auth, "hasty")).results).toEqual([]);
    socket.close();
  });
});
