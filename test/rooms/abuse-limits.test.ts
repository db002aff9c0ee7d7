// Per-connection limits on the two sockets, found missing by the resilience suite
// (test/resilience): a room bounds the frames one connection may send, and the chat socket
// closes a client that keeps sending malformed frames.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { syncStep1Frame } from "../../src/rooms/frames.ts";
import { config } from "../../src/core/config.ts";
import { RoomCloseCode } from "../../src/shared/room-protocol.ts";
import { BAD_FRAMES_CLOSE_CODE, MAX_BAD_FRAMES } from "../../src/presence/presence.ts";
import { signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";
import { ChatSocket, errorWith } from "../helpers/ws-chat.ts";
import { closed, rawConnect } from "../helpers/websocket.ts";
import { partyClient, synced, until } from "../helpers/yjs-clients.ts";

const FRAME_BURST = config(env).ROOM_FRAME_BURST;

// Sync step 1 with an empty state vector: valid, cheap, and answered by the server every time.
const SYNC_STEP_1 = syncStep1Frame(new Y.Doc());

describe("room frame budget", () => {
  it("closes a connection that floods frames with a retry-later code, and nobody else", async () => {
    const owner = await signUp("Flooder");
    const room = await createRoom(owner.auth);
    const honest = partyClient(room.id, owner.auth);
    await synced(honest);
    const { socket } = await rawConnect(`/parties/room/${room.id}`, owner.auth);
    const closing = closed(socket!, 15_000);
    // Sent at once, far faster than the refill rate; the server may take a while to read them.
    for (let i = 0; i < FRAME_BURST * 4; i++) socket!.send(SYNC_STEP_1);
    const event = await closing;
    expect(event.code).toBe(RoomCloseCode.rateLimited);
    honest.doc.getText("t").insert(0, "still here");
    expect(honest.provider.wsconnected).toBe(true);
    honest.close();
  });

  it("lets a fast typist through", async () => {
    const owner = await signUp("Typist");
    const room = await createRoom(owner.auth);
    const client = partyClient(room.id, owner.auth);
    await synced(client);
    const text = client.doc.getText("t");
    for (let i = 0; i < 200; i++) text.insert(i, "x"); // 200 separate updates at once
    await until(() => expect(client.provider.wsconnected).toBe(true));
    const reader = partyClient(room.id, owner.auth);
    await synced(reader);
    await until(() => expect(reader.doc.getText("t").length).toBe(200));
    client.close();
    reader.close();
  });
});

describe("chat socket garbage", () => {
  it("answers malformed frames with errors, then closes a socket that keeps sending them", async () => {
    const user = await signUp("Garbler");
    const socket = await ChatSocket.open(user.auth);
    const closing = closed(socket.ws, 10_000);
    for (let i = 0; i <= MAX_BAD_FRAMES; i++) socket.send(`{not json ${i}`);
    expect((await closing).code).toBe(BAD_FRAMES_CLOSE_CODE);
    expect(socket.all(errorWith("bad_frame")).length).toBe(MAX_BAD_FRAMES);
  });
});
