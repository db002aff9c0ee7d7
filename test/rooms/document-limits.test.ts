import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { syncUpdateFrame } from "../../src/rooms/frames.ts";
import { RoomCloseCode } from "../../src/shared/room-protocol.ts";
import { call, json, signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";
import { closed, rawConnect } from "../helpers/websocket.ts";
import { partyClient, synced, until } from "../helpers/yjs-clients.ts";

// vitest.config.ts sets ROOM_MAX_DOCUMENT_BYTES to 256 KiB for this.
describe("document size cap", () => {
  it("refuses growth past the cap once, with 4409, and keeps everything stored before it", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const honest = partyClient(room.id, owner.auth);
    await synced(honest);
    honest.doc.getText("t").insert(0, "kept");

    const big = new Y.Doc();
    big.getText("t").insert(0, "x".repeat(300 * 1024));
    const { socket } = await rawConnect(`/parties/room/${room.id}`, owner.auth);
    const closing = closed(socket!);
    socket!.send(syncUpdateFrame(Y.encodeStateAsUpdate(big)));
    const event = await closing;
    expect(event.code).toBe(RoomCloseCode.documentFull);

    const stats = (await json(await call("GET", `/api/rooms/${room.id}/document/stats`, { auth: owner.auth }))).stats;
    expect(stats.rejectedFrames.documentFull).toBe(1);
    expect(stats.storedBytes).toBeLessThan(256 * 1024);
    honest.doc.getText("t").insert(4, "!");
    await until(async () => {
      const copy = new Y.Doc();
      const state = await call("GET", `/api/rooms/${room.id}/document?format=yjs`, { auth: owner.auth });
      Y.applyUpdate(copy, new Uint8Array(await state.arrayBuffer()));
      expect(copy.getText("t").toString()).toBe("kept!");
    });
    honest.close();
  });

  it("a REST edit that would pass the cap is a 413", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const response = await call("PUT", `/api/rooms/${room.id}/document`, {
      auth: owner.auth,
      rawBody: "y".repeat(300 * 1024),
      headers: { "content-type": "text/plain" },
    });
    expect(response.status).toBe(413);
    expect((await json(response)).error.code).toBe("document_full");
  });
});
