// Every request body is counted while it streams and refused at its route's cap with a 413,
// before authentication or the handler runs: an anonymous 300 MiB chunked body costs at most
// the cap in memory and the cap plus DRAIN_BYTES of reading. (hono/body-limit counts chunked
// bodies too, but when it refuses it keeps the reader locked and drains nothing, so a client
// still sending sees a connection reset instead of the 413.)
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./context.ts";
import { tooLarge } from "./errors.ts";

/** JSON bodies are small documents. */
export const MAX_JSON_BYTES = 256 * 1024;
/** Same ceiling as one WebSocket message: a REST edit is no bigger than a typed one. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
/** KV's value limit is 25 MiB; scripts cache small things. */
export const MAX_CACHE_VALUE_BYTES = 1024 * 1024;
/** GET, HEAD and OPTIONS take no body; a stray few bytes are read and dropped. */
const MAX_STRAY_BODY_BYTES = 16 * 1024;
/**
 * Before refusing, read (and drop) up to this much more, so a client that is still sending
 * reads the 413 instead of a connection reset (a reset throws away the answer it had not read).
 */
const DRAIN_BYTES = 4 * 1024 * 1024;

/** The upload routes stream their bodies to R2 and count them against their own limits. */
const STREAMED = "streamed";
type Cap = number | typeof STREAMED;

const ROUTE_CAPS: Array<{ method: string; path: RegExp; cap: Cap }> = [
  { method: "POST", path: /^\/api\/upload\/?$/, cap: STREAMED },
  { method: "PUT", path: /^\/api\/upload\/multipart\/[^/]+\/parts\/[^/]+\/?$/, cap: STREAMED },
  { method: "PUT", path: /^\/api\/rooms\/[^/]+\/document\/?$/, cap: MAX_DOCUMENT_BYTES },
  // Appends are read as they arrive (src/api/rooms/streamed-append.ts), each counted to MAX_DOCUMENT_BYTES.
  { method: "POST", path: /^\/api\/rooms\/[^/]+\/document\/append\/?$/, cap: STREAMED },
  { method: "PUT", path: /^\/api\/cache\/[^/]+\/?$/, cap: MAX_CACHE_VALUE_BYTES },
  // Deleting your own account takes { currentPassword } (src/api/users/user-routes.ts).
  { method: "DELETE", path: /^\/api\/users\/[^/]+\/?$/, cap: MAX_JSON_BYTES },
];

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Every other write takes at most a JSON document (DELETE too: deleting an account needs a password). */
function capFor(method: string, path: string): Cap {
  const route = ROUTE_CAPS.find((r) => r.method === method && r.path.test(path));
  if (route) return route.cap;
  return READS.has(method) ? MAX_STRAY_BODY_BYTES : MAX_JSON_BYTES;
}

function refusal(cap: number) {
  return tooLarge(cap === MAX_STRAY_BODY_BYTES ? "This route takes no body." : `Body over ${cap} bytes.`);
}

/**
 * Reads and drops up to DRAIN_BYTES of what is left, then stops reading. Never cancels the
 * stream: workerd answers a cancelled request body by resetting the connection at once, before
 * the client has read the 413 (seen in the resilience suite's big-body probe).
 */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    for (let read = 0; read <= DRAIN_BYTES; ) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
  } catch {
    // the client went away: nothing left to drain
  } finally {
    reader.releaseLock();
  }
}

/** The whole body, or a 413 as soon as it passes `maxBytes` (never buffering more). */
export async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await drain(reader);
      throw refusal(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

export const bodyLimits = createMiddleware<AppEnv>(async (c, next) => {
  const body = c.req.raw.body;
  const cap = capFor(c.req.method, c.req.path);
  if (!body) return next();
  if (cap === STREAMED) {
    await next();
    // An upload refused before its body was read (415, 403, 411...): drain some of it, so
    // the client reads the refusal and its keep-alive connection is not reset under it.
    if (!body.locked) await drain(body.getReader());
    return;
  }
  // A declared length over the cap is refused without buffering a byte of it.
  if (Number(c.req.header("content-length")) > cap) {
    await drain(body.getReader());
    throw refusal(cap);
  }
  const bytes = await readCapped(body, cap);
  // Handlers read the counted copy; the original stream is consumed. A stray body on a read
  // has been read to the end, which is all it needed (a GET Request cannot carry one).
  if (!READS.has(c.req.method)) c.req.raw = new Request(c.req.raw, { body: bytes });
  await next();
});
