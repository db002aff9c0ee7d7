// Notices (src/shared/room-protocol.ts): JSON text the room sends only to clients that opted in
// with `hello`, one at a time or broadcast; the stock y-websocket client never gets text frames.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type YProvider from "y-partyserver/provider";
import type { Room } from "../../src/rooms/room.ts";
import { parseRoomNotice, type RoomNotice } from "../../src/shared/room-protocol.ts";
import { call, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { rawConnect } from "../helpers/websocket.ts";
import { type Client, partyClient, synced, until } from "../helpers/yjs-clients.ts";

const roomStub = (roomId: string) => (env.ROOM as unknown as DurableObjectNamespace).getByName(roomId);

/** A y-partyserver client that said hello, with every custom message it received. */
async function helloClient(roomId: string, auth: { cookie?: string }) {
  const client = partyClient(roomId, auth);
  const provider = client.provider as YProvider;
  const received: string[] = [];
  provider.on("custom-message", (message: string) => received.push(message));
  await synced(client);
  provider.sendMessage(JSON.stringify({ type: "hello" }));
  const notices = () => received.map(parseRoomNotice).filter((n): n is RoomNotice => n !== null);
  await until(() => expect(notices().some((n) => n.type === "access")).toBe(true));
  return { client, received, notices };
}

/** Text frames a raw socket (no hello, like the stock y-websocket client) received. */
async function silentSocket(roomId: string, auth: { cookie?: string }) {
  const { socket } = await rawConnect(`/parties/room/${roomId}`, auth);
  const text: string[] = [];
  socket!.addEventListener("message", (event) => {
    if (typeof event.data === "string") text.push(event.data);
  });
  return { socket: socket!, text };
}

describe("room notices", () => {
  it("answers hello with the connection's access: editors may write, viewers only read", async () => {
    const owner = await signUp("Owner");
    const viewer = await signUp("Viewer");
    const room = await createRoom(owner.auth);
    await addMember(owner.auth, room.id, viewer, "viewer");
    const editing = await helloClient(room.id, owner.auth);
    const reading = await helloClient(room.id, viewer.auth);
    expect(editing.notices()).toEqual([{ type: "access", role: "editor", readOnly: false }]);
    expect(reading.notices()).toEqual([{ type: "access", role: "viewer", readOnly: true }]);
    editing.client.close();
    reading.client.close();
  });

  it("a broadcast custom message reaches every client that said hello, and no other socket", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const clients = [await helloClient(room.id, owner.auth), await helloClient(room.id, owner.auth)];
    const silent = await silentSocket(room.id, owner.auth);
    await runInDurableObject(roomStub(room.id), (instance: Room) => instance.broadcastCustomMessage('{"type":"ping-all"}'));
    for (const { received } of clients) await until(() => expect(received).toContain('{"type":"ping-all"}'));
    // The socket that never said hello was sent no text (its binary frames still arrive).
    expect(silent.text).toEqual([]);
    silent.socket.close();
    for (const { client } of clients) client.close();
  });

  it("broadcasts the size warning to every client once a server edit takes the document near its cap", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const clients: { client: Client; notices: () => RoomNotice[] }[] = [await helloClient(room.id, owner.auth), await helloClient(room.id, owner.auth)];
    // vitest.config.ts caps documents at 256 KiB; the warning starts at 75% of it.
    clients[0]!.client.doc.getText("t").insert(0, "x".repeat(200 * 1024));
    const stats = () => runInDurableObject(roomStub(room.id), (instance: Room) => instance.stats());
    await until(async () => expect((await stats()).storedBytes).toBeGreaterThan(200 * 1024));
    const response = await call("POST", `/api/rooms/${room.id}/document/append`, {
      auth: owner.auth,
      rawBody: "one more line",
      headers: { "content-type": "text/plain" },
    });
    expect(response.status).toBe(204);
    for (const { notices } of clients) {
      await until(() => expect(notices()).toContainEqual({ type: "document-size", bytes: expect.any(Number), limit: 256 * 1024 }));
    }
    for (const { client } of clients) client.close();
  });
});
