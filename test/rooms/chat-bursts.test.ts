// A burst of chat messages (src/presence/outbox.ts): the first goes out at once, the ones stored
// while the object is still busy go to each subscriber as one `messages` frame, in order, each
// message exactly once; edits and deletes never overtake the messages they follow.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Connection } from "partyserver";
import { describe, expect, it, vi } from "vitest";
import type { Presence } from "../../src/presence/presence.ts";
import { MessageOutbox } from "../../src/presence/outbox.ts";
import { presenceStub } from "../../src/presence/stub.ts";
import { type ChatMessage, roomChannel, type ServerFrame } from "../../src/shared/chat-protocol.ts";
import { signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";
import { ChatSocket, messageWith } from "../helpers/ws-chat.ts";

type Msg = Extract<ServerFrame, { type: "message" }>;

const subscribed = ChatSocket.subscribed;

const bodiesOnTheWire = (socket: ChatSocket) =>
  socket.wireFrames.flatMap((f) => (f.type === "message" ? [[f.message.body]] : f.type === "messages" ? [f.messages.map((m) => m.body)] : []));

describe("chat bursts", () => {
  it("sends the first message at once and the rest of a burst as one frame, in order, once each", async () => {
    const ada = await signUp("Ada");
    const room = await createRoom(ada.auth, { visibility: "public" });
    const channel = roomChannel(room.id);
    const reader = await subscribed(ada.auth, channel);
    // Five posts in one turn of the object, as when requests queue up behind a busy fan-out.
    await runInDurableObject(presenceStub(env), (presence: Presence) => {
      for (const n of [1, 2, 3, 4, 5]) presence.post(channel, { id: null, name: "script" }, `b${n}`);
    });
    await reader.next(messageWith("b5"));
    expect(bodiesOnTheWire(reader)).toEqual([["b1"], ["b2", "b3", "b4", "b5"]]);
    expect(reader.all<Msg>((f) => f.type === "message").map((f) => f.message.body)).toEqual(["b1", "b2", "b3", "b4", "b5"]);
    reader.close();
  });

  it("gives a sender its own message once (with its nonce), and an edit never arrives before its message", async () => {
    const ada = await signUp("Ada");
    const bob = await signUp("Bob");
    const room = await createRoom(ada.auth, { visibility: "public" });
    const channel = roomChannel(room.id);
    const sender = await subscribed(ada.auth, channel);
    const reader = await subscribed(bob.auth, channel);
    // A script's burst keeps the object busy while Ada sends, then edits at once.
    await runInDurableObject(presenceStub(env), (presence: Presence) => {
      for (const n of [1, 2, 3]) presence.post(channel, { id: null, name: "script" }, `s${n}`);
    });
    sender.send({ type: "send", channel, body: "mine", nonce: "n1" });
    const own = await sender.next<Msg>(messageWith("mine"));
    expect(own.nonce).toBe("n1");
    sender.send({ type: "edit", id: own.message.id, body: "mine, edited", nonce: "n2" });
    await reader.next((f) => f.type === "edited" && f.message.body === "mine, edited");

    expect(sender.all<Msg>(messageWith("mine"))).toHaveLength(1);
    const readerKinds = reader.frames.filter((f) => f.type === "message" || f.type === "edited").map((f) => `${f.type}:${(f as Msg).message.body}`);
    expect(readerKinds).toEqual(["message:s1", "message:s2", "message:s3", "message:mine", "edited:mine, edited"]);
    sender.close();
    reader.close();
  });
});

describe("the outbox", () => {
  const message = (id: string): ChatMessage => ({ id, seq: Number(id.slice(1)), channel: "general", userId: null, userName: "x", authorKind: "system", body: id, createdAt: "", editedAt: null });
  /** A socket that records the message ids of each frame it is sent. */
  const socket = (id: string) => {
    const received: string[][] = [];
    const send = (text: string) => {
      const frame = JSON.parse(text) as ServerFrame;
      received.push(frame.type === "message" ? [frame.message.id] : frame.type === "messages" ? frame.messages.map((m) => m.id) : []);
    };
    return { connection: { id, send } as unknown as Connection, received };
  };

  it("leaves out of a burst the messages a subscriber sent itself (it has their echo)", async () => {
    const [a, b, c] = [socket("a"), socket("b"), socket("c")];
    const outbox = new MessageOutbox(() => [a.connection, b.connection, c.connection]);
    outbox.add("general", message("m1"), a.connection); // at once, to all but its sender
    outbox.add("general", message("m2"), b.connection); // the burst's rest waits for the timer
    outbox.add("general", message("m3"));
    expect([a.received, b.received, c.received]).toEqual([[], [["m1"]], [["m1"]]]);
    await vi.waitFor(() => expect(c.received).toHaveLength(2));
    expect([a.received, b.received, c.received]).toEqual([[["m2", "m3"]], [["m1"], ["m3"]], [["m1"], ["m2", "m3"]]]);
  });
});
