// CSRF: a page on another site can make the browser send the session cookie with a form post or
// a simple fetch. Cookie-authenticated writes from an origin that is not ours or allowed are 403.
import { describe, expect, it } from "vitest";
import { BASE, call, createToken, json, signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";

const EVIL = { origin: "https://evil.example" };

async function documentText(auth: { cookie?: string }, roomId: string): Promise<string> {
  return (await (await call("GET", `/api/rooms/${roomId}/document?format=text`, { auth })).text()).trim();
}

async function expectCrossOrigin(response: Response): Promise<void> {
  expect(response.status).toBe(403);
  expect((await json(response)).error.code).toBe("cross_origin");
}

function uploadForm(): FormData {
  const form = new FormData();
  form.append("file", new Blob(["planted"], { type: "text/plain" }), "planted.txt");
  return form;
}

describe("cross-site writes with the session cookie", () => {
  it("are refused for append, restore, upload and logout, and change nothing", async () => {
    const owner = await signUp("Victim");
    const room = await createRoom(owner.auth);
    expect((await call("PUT", `/api/rooms/${room.id}/document`, { auth: owner.auth, rawBody: "original", headers: { "content-type": "text/plain" } })).status).toBe(204);
    const snapshot = (await json(await call("POST", `/api/rooms/${room.id}/snapshots`, { auth: owner.auth, body: {} }))).snapshot;
    expect((await call("PUT", `/api/rooms/${room.id}/document`, { auth: owner.auth, rawBody: "current", headers: { "content-type": "text/plain" } })).status).toBe(204);

    await expectCrossOrigin(
      await call("POST", `/api/rooms/${room.id}/document/append`, { auth: owner.auth, rawBody: "planted", headers: { ...EVIL, "content-type": "text/plain" } }),
    );
    await expectCrossOrigin(await call("POST", `/api/rooms/${room.id}/snapshots/${snapshot.id}/restore`, { auth: owner.auth, headers: EVIL }));
    expect(await documentText(owner.auth, room.id)).toBe("current");

    await expectCrossOrigin(await call("POST", "/api/upload", { auth: owner.auth, rawBody: uploadForm(), headers: EVIL }));
    expect((await json(await call("GET", "/api/files", { auth: owner.auth }))).files).toHaveLength(0);

    await expectCrossOrigin(await call("POST", "/api/auth/logout", { auth: owner.auth, headers: EVIL }));
    expect((await call("GET", "/api/auth/me", { auth: owner.auth })).status).toBe(200);
  });

  it("are refused without Origin when Fetch Metadata says cross-site, and from an opaque origin", async () => {
    const owner = await signUp("Victim");
    const room = await createRoom(owner.auth);
    const append = (headers: Record<string, string>) =>
      call("POST", `/api/rooms/${room.id}/document/append`, { auth: owner.auth, rawBody: "planted", headers: { ...headers, "content-type": "text/plain" } });
    await expectCrossOrigin(await append({ "sec-fetch-site": "cross-site" }));
    await expectCrossOrigin(await append({ origin: "null" }));
    await expectCrossOrigin(await call("DELETE", `/api/rooms/${room.id}`, { auth: owner.auth, headers: EVIL }));
    await expectCrossOrigin(await call("PATCH", `/api/rooms/${room.id}`, { auth: owner.auth, body: { name: "Pwned" }, headers: EVIL }));
    expect((await json(await call("GET", `/api/rooms/${room.id}`, { auth: owner.auth }))).room.name).toBe("Room");
  });

  it("still work from the API's own origin, an allowed origin, and same-origin fetch metadata", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const append = (text: string, headers: Record<string, string>) =>
      call("POST", `/api/rooms/${room.id}/document/append`, { auth: owner.auth, rawBody: text, headers: { ...headers, "content-type": "text/plain" } });
    expect((await append("one", { origin: BASE })).status).toBe(204);
    // The web client in dev (vitest's ALLOWED_ORIGINS).
    expect((await append("two", { origin: "http://localhost:3000" })).status).toBe(204);
    expect((await append("three", { "sec-fetch-site": "same-origin" })).status).toBe(204);
    expect((await call("POST", "/api/upload", { auth: owner.auth, rawBody: uploadForm(), headers: { origin: "http://localhost:3000" } })).status).toBe(201);
    expect(await documentText(owner.auth, room.id)).toBe("one\n\ntwo\n\nthree");
    // Reads are not writes: a cross-origin GET is answered (CORS keeps the body from the page).
    expect((await call("GET", `/api/rooms/${room.id}`, { auth: owner.auth, headers: EVIL })).status).toBe(200);
  });

  it("with a bearer token are not affected: browsers never attach one on their own", async () => {
    const owner = await signUp("Scripter");
    const token = await createToken(owner.auth);
    const room = await createRoom(owner.auth);
    const append = await call("POST", `/api/rooms/${room.id}/document/append`, {
      auth: { token: token.secret },
      rawBody: "from a script",
      headers: { ...EVIL, "content-type": "text/plain" },
    });
    expect(append.status).toBe(204);
  });
});
