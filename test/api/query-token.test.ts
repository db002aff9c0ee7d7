// `?token=` exists because browsers cannot set headers on a WebSocket: it authenticates the two
// socket routes and nothing else, and it is never kept with a socket.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Presence } from "../../src/presence/presence.ts";
import { presenceStub } from "../../src/presence/stub.ts";
import { createToken, signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";
import { upgrade } from "../helpers/websocket.ts";

describe("?token= on WebSocket upgrades", () => {
  it("opens the room socket and the chat socket", async () => {
    const owner = await signUp("Scripter");
    const token = await createToken(owner.auth);
    const room = await createRoom(owner.auth);
    for (const path of [`/parties/room/${room.id}?token=${token.secret}`, `/api/chat?token=${token.secret}`]) {
      const response = await upgrade(path);
      expect(response.status).toBe(101);
      response.webSocket!.accept();
      response.webSocket!.close(1000, "done");
    }
  });

  it("is not a credential on any other route, upgrade or not", async () => {
    const owner = await signUp("Scripter");
    const token = await createToken(owner.auth);
    const room = await createRoom(owner.auth);
    for (const path of ["/api/auth/me", "/api/tokens", `/api/rooms/${room.id}`, `/api/rooms/${room.id}/document?format=text`]) {
      const response = await upgrade(`${path}${path.includes("?") ? "&" : "?"}token=${token.secret}`);
      expect(response.status, path).not.toBe(200);
      expect([401, 404], path).toContain(response.status);
      await response.body?.cancel();
    }
  });

  it("is removed from the URL the presence object keeps with a chat socket", async () => {
    const user = await signUp("Chatter");
    const token = await createToken(user.auth);
    const response = await upgrade(`/api/chat?token=${token.secret}&client=script`);
    expect(response.status).toBe(101);
    response.webSocket!.accept();
    const uris = await runInDurableObject(presenceStub(env), (presence: Presence) => [...presence.getConnections()].map((c) => String(c.uri)));
    expect(uris.some((uri) => uri.includes("client=script"))).toBe(true);
    expect(uris.some((uri) => uri.includes(token.secret) || uri.includes("token="))).toBe(false);
    response.webSocket!.close(1000, "done");
  });
});
