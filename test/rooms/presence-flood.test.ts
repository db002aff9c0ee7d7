// The presence object under a flood from one user: every frame type shares a per-user budget,
// presence broadcasts are coalesced, and a user's chat sockets are capped (the oldest closes).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ChatCloseCode } from "../../src/shared/room-protocol.ts";
import { config } from "../../src/core/config.ts";
import type { ServerFrame } from "../../src/shared/chat-protocol.ts";
import { call, json, signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";
import { closed } from "../helpers/websocket.ts";
import { ChatSocket, errorWith, eventually, presenceOf } from "../helpers/ws-chat.ts";

type PresenceFrame = Extract<ServerFrame, { type: "presence" }>;

const { CHAT_SOCKETS_PER_USER: MAX_SOCKETS_PER_USER, CHAT_FRAME_BURST: FRAME_BURST } = config(env);

describe("frame budget", () => {
  it("subscribe and history frames beyond the per-user budget are refused with rate_limited", async () => {
    const flooder = await signUp("Flooder");
    const room = await createRoom(flooder.auth, { visibility: "public" });
    const socket = await ChatSocket.open(flooder.auth);
    socket.send({ type: "subscribe", channel: "global" });
    await socket.next((f) => f.type === "subscribed");
    for (let i = 0; i < 100; i++) socket.send({ type: "history", channel: "global" });
    for (let i = 0; i < 50; i++) socket.send({ type: "subscribe", channel: `room:${room.id}` });
    // Each of these is answered exactly once: served, or refused.
    await eventually(() => socket.all((f) => f.type === "history" || f.type === "subscribed" || errorWith("rate_limited")(f)).length).toBe(151);
    const limited = socket.all<Extract<ServerFrame, { type: "error" }>>(errorWith("rate_limited"));
    const served = socket.all((f) => f.type === "history" || f.type === "subscribed").length - 1;
    expect(limited.length).toBeGreaterThan(50);
    expect(limited.every((f) => (f.retryAfterMs ?? 0) > 0)).toBe(true);
    // The burst plus what refilled while the frames were handled.
    expect(served).toBeLessThan(FRAME_BURST + 40);
  });
});

describe("coalesced presence", () => {
  it("400 view frames from one user reach others as a few presence updates, ending at the latest rooms", async () => {
    const flooder = await signUp("Flooder");
    const observer = await signUp("Observer");
    const rooms = [await createRoom(flooder.auth, { visibility: "public" }), await createRoom(flooder.auth, { visibility: "public" })];
    const watching = await ChatSocket.open(observer.auth);
    const socket = await ChatSocket.open(flooder.auth);
    await watching.next(presenceOf(flooder.id, "join"));
    for (let i = 0; i < 400; i++) socket.send({ type: "view", room: rooms[i % 2]!.id });
    // View frames are answered only when refused.
    await eventually(() => socket.all(errorWith("rate_limited")).length).toBeGreaterThan(200);
    const latestSeen = () => watching.all<PresenceFrame>(presenceOf(flooder.id, "update")).at(-1)?.user.rooms ?? [];
    const actual = async () => {
      const { users } = await json(await call("GET", "/api/presence", { auth: observer.auth }));
      return (users as Array<{ id: string; rooms: string[] }>).find((u) => u.id === flooder.id)?.rooms;
    };
    // The trailing flush brings everyone to the final state.
    await eventually(async () => JSON.stringify(latestSeen()) === JSON.stringify(await actual())).toBe(true);
    const updates = watching.all(presenceOf(flooder.id, "update")).length;
    expect(updates).toBeGreaterThan(0);
    expect(updates).toBeLessThan(20);
  });
});

describe("sockets per user", () => {
  it(`a socket beyond ${MAX_SOCKETS_PER_USER} closes the user's oldest with ${ChatCloseCode.tooManySockets}, and the new one works`, async () => {
    const user = await signUp("ManyTabs");
    const sockets: ChatSocket[] = [];
    for (let i = 0; i < MAX_SOCKETS_PER_USER; i++) sockets.push(await ChatSocket.open(user.auth));
    const oldestClosed = closed(sockets[0]!.ws);
    const newest = await ChatSocket.open(user.auth);
    const event = await oldestClosed;
    expect(event.code).toBe(ChatCloseCode.tooManySockets);
    expect(sockets.slice(1).every((s) => !s.closed)).toBe(true);
    newest.send({ type: "send", channel: "global", body: "from the newest tab", nonce: "n1" });
    await newest.next((f) => f.type === "message" && f.nonce === "n1");

    // More still leave exactly the cap open: the newest ones.
    const more: ChatSocket[] = [];
    for (let i = 0; i < 12; i++) more.push(await ChatSocket.open(user.auth));
    const all = [...sockets, newest, ...more];
    await eventually(() => all.filter((s) => !s.closed).length).toBe(MAX_SOCKETS_PER_USER);
    expect(more.slice(-MAX_SOCKETS_PER_USER).every((s) => !s.closed)).toBe(true);
    for (const s of all) if (!s.closed) s.close();
  });
});
