// Request bodies are counted while they stream: a route refuses a body at its cap with a 413
// after reading about that much, never the whole body first.
import { describe, expect, it } from "vitest";
import { MAX_CACHE_VALUE_BYTES, MAX_DOCUMENT_BYTES, MAX_JSON_BYTES } from "../../src/api/body-limits.ts";
import { admin, call, json, signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";

const MiB = 1024 * 1024;

/** A chunked body of `total` bytes made on demand, counting how much the Worker pulled. */
function endlessBody(total: number, fill = 0x20) {
  const chunk = new Uint8Array(64 * 1024).fill(fill);
  const stats = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (stats.pulled >= total) return controller.close();
      stats.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, stats };
}

async function expectTooLarge(response: Response): Promise<void> {
  expect(response.status).toBe(413);
  expect((await json(response)).error.code).toBe("payload_too_large");
}

describe("request body limits", () => {
  it("a 300 MiB chunked body to the login route is refused after about the JSON cap", async () => {
    const { stream, stats } = endlessBody(300 * MiB);
    const response = await call("POST", "/api/auth/login", { rawBody: stream, headers: { "content-type": "application/json" } });
    await expectTooLarge(response);
    // The cap plus the few MiB read and dropped so a still-sending client sees the answer.
    expect(stats.pulled).toBeLessThan(MAX_JSON_BYTES + 8 * MiB);
  });

  it("a body on a route that takes none gets a 413, and the route does nothing", async () => {
    const owner = await signUp("Deleter");
    const room = await createRoom(owner.auth);
    const response = await call("DELETE", `/api/rooms/${room.id}`, { auth: owner.auth, rawBody: "x".repeat(3 * MiB) });
    await expectTooLarge(response);
    expect((await call("GET", `/api/rooms/${room.id}`, { auth: owner.auth })).status).toBe(200);
    // A stray `{}` is read and ignored.
    const small = await call("DELETE", `/api/rooms/${room.id}`, { auth: owner.auth, rawBody: "{}", headers: { "content-type": "application/json" } });
    expect(small.status).toBe(204);
  });

  it("document edits and cache values stop at their own caps, counted while streaming", async () => {
    const owner = await signUp("Writer");
    const room = await createRoom(owner.auth);
    const document = endlessBody(50 * MiB, 0x61);
    const put = await call("PUT", `/api/rooms/${room.id}/document`, { auth: owner.auth, rawBody: document.stream, headers: { "content-type": "text/plain" } });
    await expectTooLarge(put);
    expect(document.stats.pulled).toBeLessThan(MAX_DOCUMENT_BYTES + 8 * MiB);

    const value = endlessBody(50 * MiB);
    const cached = await call("PUT", "/api/cache/big-value", { auth: admin, rawBody: value.stream, headers: { "content-type": "text/plain" } });
    await expectTooLarge(cached);
    expect(value.stats.pulled).toBeLessThan(MAX_CACHE_VALUE_BYTES + 8 * MiB);
    expect((await call("GET", "/api/cache/big-value", { auth: admin })).status).toBe(404);
  });

  it("bodies under the cap still arrive whole", async () => {
    const owner = await signUp("Appender");
    const room = await createRoom(owner.auth);
    // Chunked, so it is counted rather than trusted by its length (the test room caps documents at 256 KiB).
    const text = "word ".repeat(30_000);
    const chunks = new Blob([text]).stream();
    const put = await call("PUT", `/api/rooms/${room.id}/document`, { auth: owner.auth, rawBody: chunks, headers: { "content-type": "text/plain" } });
    expect(put.status).toBe(204);
    const back = await call("GET", `/api/rooms/${room.id}/document?format=text`, { auth: owner.auth });
    expect((await back.text()).trim()).toBe(text.trim());
  });
});
