// The Presence object's in-memory subscriber index (src/presence/subscribers.ts): a message goes
// to exactly the sockets subscribed to its channel, through subscribe, unsubscribe, close and a
// hibernation (after which the index is rebuilt from the sockets' attachments).
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { presenceStub } from "../../src/presence/stub.ts";
import { roomChannel } from "../../src/shared/chat-protocol.ts";
import { type Auth, call, signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";
import { ChatSocket, messageWith } from "../helpers/ws-chat.ts";

async function post(auth: Auth, roomId: string, body: string): Promise<void> {
  expect((await call("POST", `/api/rooms/${roomId}/messages`, { auth, body: { body } })).status).toBe(201);
}

async function subscribe(socket: ChatSocket, channel: string): Promise<void> {
  socket.send({ type: "subscribe", channel });
  await socket.next((f) => f.type === "subscribed" && f.channel === channel);
}

describe("chat fan-out by subscription", () => {
  it("reaches subscribers only, follows unsubscribe and close, and survives hibernation", async () => {
    const ada = await signUp("Ada");
    const x = await createRoom(ada.auth, { visibility: "public" });
    const y = await createRoom(ada.auth, { visibility: "public" });
    const [a, b, c] = await Promise.all([ChatSocket.open(ada.auth), ChatSocket.open(ada.auth), ChatSocket.open(ada.auth)]);
    await subscribe(a, roomChannel(x.id));
    await subscribe(b, roomChannel(y.id));
    await subscribe(c, roomChannel(x.id));
    await subscribe(c, roomChannel(y.id));

    // Index built by this first message; then c leaves x.
    await post(ada.auth, x.id, "first to x");
    await Promise.all([a.next(messageWith("first to x")), c.next(messageWith("first to x"))]);
    c.send({ type: "unsubscribe", channel: roomChannel(x.id) });
    await c.next((f) => f.type === "unsubscribed");
    await post(ada.auth, x.id, "second to x");
    await post(ada.auth, y.id, "then to y");
    await Promise.all([a.next(messageWith("second to x")), b.next(messageWith("then to y")), c.next(messageWith("then to y"))]);
    // Each socket's frames are in order: anything for x would have come before y's message.
    expect(c.all(messageWith("second to x"))).toEqual([]);
    expect(b.all((f) => f.type === "message" && f.message.channel === roomChannel(x.id))).toEqual([]);

    // A closed socket leaves the index; the others keep receiving.
    a.close();
    await post(ada.auth, y.id, "after a closed");
    await b.next(messageWith("after a closed"));

    // After hibernation the index is rebuilt from attachments: b still gets y, a new subscriber too.
    await evictDurableObject(presenceStub(env), { webSockets: "hibernate" });
    const d = await ChatSocket.open(ada.auth);
    await subscribe(d, roomChannel(y.id));
    await post(ada.auth, y.id, "after the wake");
    await Promise.all([b.next(messageWith("after the wake")), c.next(messageWith("after the wake")), d.next(messageWith("after the wake"))]);
    expect(a.all(messageWith("after the wake"))).toEqual([]);
    for (const s of [b, c, d]) s.close();
  });
});
