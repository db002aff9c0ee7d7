// Search answers only from rooms the caller may view, checked at query time: outsiders, removed
// members, rooms made private and deleted rooms find nothing; deleted messages leave at once;
// hostile queries are 400 bad_query, never a 500 and never FTS5 syntax.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SearchPage } from "../../src/shared/api-types.ts";
import { admin, type Auth, call, createToken, json, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { ChatSocket } from "../helpers/ws-chat.ts";

async function search(auth: Auth, q: string): Promise<SearchPage> {
  const response = await call("GET", `/api/search?${new URLSearchParams({ q })}`, { auth });
  expect(response.status).toBe(200);
  return json(response);
}

const ids = async (auth: Auth, q: string) => (await search(auth, q)).results.map((r) => r.id);

/** A room with one message saying `word`, already indexed (seen by its owner). */
async function roomSaying(word: string, visibility: "public" | "private" = "private") {
  const owner = await signUp("Owner");
  const room = await createRoom(owner.auth, { visibility });
  const posted = await call("POST", `/api/rooms/${room.id}/messages`, { auth: owner.auth, body: { body: `the ${word} is here` } });
  expect(posted.status).toBe(201);
  const { message } = await json(posted);
  await expect.poll(() => ids(owner.auth, word), { timeout: 5_000, interval: 100 }).toEqual([message.id]);
  return { owner, room, messageId: message.id as string };
}

describe("who finds what", () => {
  it("an outsider finds nothing in a private room; a member does; an admin does", async () => {
    const { owner, room, messageId } = await roomSaying("aardvark");
    const outsider = await signUp("Carol");
    const member = await signUp("Bob");
    expect(await ids(outsider.auth, "aardvark")).toEqual([]);
    await addMember(owner.auth, room.id, member, "viewer");
    expect(await ids(member.auth, "aardvark")).toEqual([messageId]);
    expect(await ids(admin, "aardvark")).toEqual([messageId]);
  });

  it("a removed member stops finding the room's content at once", async () => {
    const { owner, room, messageId } = await roomSaying("bandicoot");
    const member = await signUp("Bob");
    await addMember(owner.auth, room.id, member, "editor");
    expect(await ids(member.auth, "bandicoot")).toEqual([messageId]);
    expect((await call("DELETE", `/api/rooms/${room.id}/members/${member.id}`, { auth: owner.auth })).status).toBe(204);
    expect(await ids(member.auth, "bandicoot")).toEqual([]);
  });

  it("a public room is found by anyone signed in until it is made private; anonymous callers get 401", async () => {
    const { owner, room, messageId } = await roomSaying("capybara", "public");
    const passerby = await signUp("Dan");
    expect(await ids(passerby.auth, "capybara")).toEqual([messageId]);
    expect((await call("PATCH", `/api/rooms/${room.id}`, { auth: owner.auth, body: { visibility: "private" } })).status).toBe(200);
    expect(await ids(passerby.auth, "capybara")).toEqual([]);
    expect((await call("GET", "/api/search?q=capybara")).status).toBe(401);
  });

  it("a deleted room's entries are gone with it", async () => {
    const { owner, room } = await roomSaying("dugong");
    expect((await call("DELETE", `/api/rooms/${room.id}`, { auth: owner.auth })).status).toBe(204);
    expect(await ids(admin, "dugong")).toEqual([]);
    // The rows themselves, not just what the access check lets through.
    const left = await env.DB.prepare("SELECT count(*) AS n FROM search_entries WHERE room_id = ?").bind(room.id).first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("a message deleted in chat is not found any more", async () => {
    const { owner, messageId } = await roomSaying("echidna");
    const socket = await ChatSocket.open(owner.auth);
    socket.send({ type: "delete", id: messageId, nonce: "d1" });
    await socket.next((f) => f.type === "deleted" && f.id === messageId);
    socket.close();
    await expect.poll(() => ids(owner.auth, "echidna"), { timeout: 2_000, interval: 50 }).toEqual([]);
  });

  it("tokens need the read scope", async () => {
    const { owner, messageId } = await roomSaying("flamingo");
    const reader = await createToken(owner.auth, ["read"]);
    expect(await ids({ token: reader.secret }, "flamingo")).toEqual([messageId]);
    const writer = await createToken(owner.auth, ["write"]);
    expect((await call("GET", "/api/search?q=flamingo", { auth: { token: writer.secret } })).status).toBe(403);
  });
});

describe("hostile and malformed queries are 400 bad_query", () => {
  const cases: [string, string][] = [
    ["unbalanced quote", '"quarterly revenue'],
    ["a lone quote in a word", 'revenue"s'],
    ["NEAR group", "NEAR(revenue plan)"],
    ["column filter", "body:secret"],
    ["column filter in braces", "{title body}:x"],
    ["initial-token caret", "^revenue"],
    ["star inside a word", "re*venue"],
    ["only exclusions", "-revenue"],
    ["empty", ""],
    ["only punctuation", "... !!"],
    ["10,000 characters", "a".repeat(10_000)],
    ["too many terms", Array.from({ length: 40 }, (_, i) => `w${i}`).join(" ")],
  ];
  for (const [name, q] of cases) {
    it(name, async () => {
      const user = await signUp("Eve");
      const response = await call("GET", `/api/search?${new URLSearchParams({ q })}`, { auth: user.auth });
      expect(response.status).toBe(400);
      const body = await json(response);
      expect(body.error.code).toBe("bad_query");
      expect(body.error.message).not.toMatch(/fts5|sqlite/i);
    });
  }

  it("FTS5 keywords as plain words are just words", async () => {
    const { owner, messageId } = await roomSaying("gazelle");
    expect(await ids(owner.auth, "gazelle AND OR NOT")).toEqual([]);
    expect(await ids(owner.auth, "gazelle -NOT")).toEqual([messageId]);
    expect(await ids(owner.auth, '"the gazelle"')).toEqual([messageId]);
  });

  it("a bad cursor or limit is a 400, not a 500", async () => {
    const user = await signUp("Eve");
    for (const query of ["q=x&cursor=%%%", "q=x&limit=0", "q=x&limit=9999", "q=x&type=secret", "q=x&roomId=nope"]) {
      expect((await call("GET", `/api/search?${query}`, { auth: user.auth })).status).toBe(400);
    }
  });
});
