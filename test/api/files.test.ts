import { env } from "cloudflare:workers";
import jpeg from "jpeg-js";
import UPNG from "upng-js";
import { describe, expect, it, vi } from "vitest";
import { admin, call, json, signUp, type Auth } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";

const MiB = 1024 * 1024;
const LIMIT = 12 * MiB; // MAX_UPLOAD_BYTES in vitest.config.ts

function upload(
  auth: Auth | undefined,
  file: { bytes: Uint8Array; name?: string; type?: string },
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", new Blob([file.bytes], { type: file.type ?? "application/octet-stream" }), file.name ?? "data.bin");
  return call("POST", "/api/upload", { auth, rawBody: form });
}

/**
 * A multipart body written chunk by chunk, with or without a Content-Length. Writes are
 * ours to await, so a server that stops reading (413) does not leave a rejected promise.
 */
function streamedUpload(auth: Auth, size: number, options: { declareLength?: boolean } = {}) {
  const boundary = "----roomful-test-boundary";
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const { readable, writable } = options.declareLength
    ? new FixedLengthStream(head.length + size + tail.length)
    : new IdentityTransformStream();
  const writer = writable.getWriter();
  writer.closed.catch(() => {});
  void (async () => {
    try {
      await writer.write(head);
      for (let sent = 0; sent < size; sent += 256 * 1024) await writer.write(patterned(Math.min(256 * 1024, size - sent), sent));
      await writer.write(tail);
      await writer.close();
    } catch {
      // the server stopped reading
    }
  })();
  return call("POST", "/api/upload", {
    auth,
    rawBody: readable,
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  });
}

/** Deterministic bytes that differ at every offset (so a misplaced part would show). */
function patterned(length: number, start = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = ((start + i) * 31 + ((start + i) >> 11)) & 0xff;
  return out;
}

async function sha256(data: ArrayBuffer | Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", data))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function leftovers() {
  const objects = await env.STORAGE.list({ prefix: "files/" });
  const rows = await env.DB.prepare("SELECT count(*) AS n FROM files").first<{ n: number }>();
  return { objects: objects.objects.length, rows: rows!.n };
}

function pngImage(width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([i % 256, (i >> 8) % 256, 128, 255], i * 4);
  return new Uint8Array(UPNG.encode([rgba.buffer], width, height, 0));
}

function jpegImage(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 4).fill(200);
  return new Uint8Array(jpeg.encode({ data, width, height }, 80).data);
}

async function processed(id: string) {
  return vi.waitFor(
    async () => {
      const row = await env.DB.prepare("SELECT * FROM files WHERE id = ?").bind(id).first<Record<string, unknown>>();
      expect(row?.status).toBe("processed");
      return row!;
    },
    { timeout: 10_000, interval: 50 },
  );
}

describe("upload and download", () => {
  it("round-trips a file byte for byte with safe headers", async () => {
    const owner = await signUp("Uploader");
    const bytes = new TextEncoder().encode("hello, roomful\n".repeat(100));
    const created = await upload(owner.auth, { bytes, name: "../../etc/notes\u0000.txt", type: "text/plain" });
    expect(created.status).toBe(201);
    const file = await json(created);
    expect(file).toMatchObject({ name: "notes.txt", size: bytes.length, contentType: "text/plain", visibility: "private" });
    expect(file.url).toBe(`/api/files/${file.id}`);

    const response = await call("GET", file.url, { auth: owner.auth });
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("content-length")).toBe(String(bytes.length));
    expect(response.headers.get("etag")).toMatch(/^"[0-9a-f]+"$/);
    expect(response.headers.get("last-modified")).toMatch(/GMT$/);
    expect(response.headers.get("cache-control")).toBe("private, no-cache");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-disposition")).toBe(`inline; filename="notes.txt"; filename*=UTF-8''notes.txt`);

    const meta = await json(await call("GET", `${file.url}/meta`, { auth: owner.auth }));
    expect(meta.file.sha256).toBe(await sha256(bytes));
  });

  it("streams a multi-part-sized body to R2 without a Content-Length and keeps every byte", async () => {
    const owner = await signUp("Streamer");
    const size = 11 * MiB + 12345; // three R2 parts
    const created = await streamedUpload(owner.auth, size);
    expect(created.status).toBe(201);
    const file = await json(created);
    expect(file.size).toBe(size);
    const response = await call("GET", file.url, { auth: owner.auth });
    const body = await response.arrayBuffer();
    expect(body.byteLength).toBe(size);
    expect(await sha256(body)).toBe(await sha256(patterned(size)));
    const meta = await json(await call("GET", `${file.url}/meta`, { auth: owner.auth }));
    expect(meta.file.sha256).toBe(await sha256(patterned(size)));
  });

  it("serves byte ranges with 206 and refuses impossible ones with 416", async () => {
    const owner = await signUp("Ranger");
    const bytes = patterned(1000);
    const file = await json(await upload(owner.auth, { bytes }));
    const part = await call("GET", file.url, { auth: owner.auth, headers: { range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 100-199/1000");
    expect(part.headers.get("content-length")).toBe("100");
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(100, 200));

    const suffix = await call("GET", file.url, { auth: owner.auth, headers: { range: "bytes=-10" } });
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(bytes.slice(990));

    const bad = await call("GET", file.url, { auth: owner.auth, headers: { range: "bytes=5000-" } });
    expect(bad.status).toBe(416);
    expect(bad.headers.get("content-range")).toBe("bytes */1000");
  });

  it("answers a matching If-None-Match with 304 and no body", async () => {
    const owner = await signUp("Cacher");
    const file = await json(await upload(owner.auth, { bytes: patterned(64) }));
    const first = await call("GET", file.url, { auth: owner.auth });
    const etag = first.headers.get("etag")!;
    await first.arrayBuffer();
    const again = await call("GET", file.url, { auth: owner.auth, headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    const changed = await call("GET", file.url, { auth: owner.auth, headers: { "if-none-match": '"other"' } });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();
  });
});

describe("size limit", () => {
  it("refuses a declared oversize body with 413 before storing anything", async () => {
    const owner = await signUp("Big");
    const before = await leftovers();
    // A byte body, not a stream: the server answers without reading it at all.
    const response = await call("POST", "/api/upload", {
      auth: owner.auth,
      rawBody: new Uint8Array(LIMIT + 1024 * 1024),
      headers: { "content-type": "multipart/form-data; boundary=x" },
    });
    expect(response.status).toBe(413);
    expect((await json(response)).error.code).toBe("payload_too_large");
    expect(await leftovers()).toEqual(before);
  });

  it("stops a streamed oversize body mid-way with 413 and removes what was written", async () => {
    const owner = await signUp("Sneaky");
    const before = await leftovers();
    // Over by less than the server drains after refusing, so the whole body is read.
    const response = await streamedUpload(owner.auth, LIMIT + 512 * 1024);
    expect(response.status).toBe(413);
    expect((await json(response)).error.code).toBe("payload_too_large");
    expect(await leftovers()).toEqual(before);
  });
});

describe("access", () => {
  it("hides private files from outsiders and anonymous callers with 404, shows them to room members and admins", async () => {
    const owner = await signUp("Owner");
    const member = await signUp("Member");
    const outsider = await signUp("Outsider");
    const { id: roomId } = await createRoom(owner.auth, { name: "Files room" });
    await addMember(owner.auth, roomId, member, "viewer");
    const file = await json(await upload(owner.auth, { bytes: patterned(10) }, { roomId }));

    for (const auth of [outsider.auth, undefined]) {
      const response = await call("GET", file.url, { auth });
      expect(response.status).toBe(404);
      expect((await json(response)).error.code).toBe("not_found");
      expect((await call("GET", `${file.url}/meta`, { auth })).status).toBe(404);
    }
    const asMember = await call("GET", file.url, { auth: member.auth });
    expect(asMember.status).toBe(200);
    await asMember.arrayBuffer();
    const asAdmin = await call("GET", file.url, { auth: admin });
    expect(asAdmin.status).toBe(200);
    await asAdmin.arrayBuffer();
  });

  it("lets anyone read a public file, anonymously", async () => {
    const owner = await signUp("Publisher");
    const bytes = patterned(50);
    const file = await json(await upload(owner.auth, { bytes }, { visibility: "public" }));
    const response = await call("GET", file.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });

  it("refuses an upload into a room the caller may not write with 403 and stores nothing", async () => {
    const owner = await signUp("RoomOwner");
    const viewer = await signUp("Viewer");
    const editor = await signUp("Editor");
    const { id: roomId } = await createRoom(owner.auth, { name: "Files room" });
    await addMember(owner.auth, roomId, viewer, "viewer");
    await addMember(owner.auth, roomId, editor, "editor");
    const before = await leftovers();
    expect((await upload(viewer.auth, { bytes: patterned(10) }, { roomId })).status).toBe(403);
    expect((await upload(viewer.auth, { bytes: patterned(10) }, { roomId: crypto.randomUUID() })).status).toBe(403);
    expect(await leftovers()).toEqual(before);
    expect((await upload(editor.auth, { bytes: patterned(10) }, { roomId })).status).toBe(201);
    expect((await upload(owner.auth, { bytes: patterned(10) }, { visibility: "secret" })).status).toBe(400);
    expect((await call("POST", "/api/upload", { auth: owner.auth, body: { not: "multipart" } })).status).toBe(415);
    expect((await upload(undefined, { bytes: patterned(10) })).status).toBe(401);
  });

  it("lists what the caller may see: their own files, or a room's files for those who can view it", async () => {
    const owner = await signUp("Lister");
    const outsider = await signUp("Nosy");
    const { id: roomId } = await createRoom(owner.auth, { name: "Files room" });
    const mine = await json(await upload(owner.auth, { bytes: patterned(5) }));
    const inRoom = await json(await upload(owner.auth, { bytes: patterned(6) }, { roomId }));
    const own = await json(await call("GET", "/api/files?limit=1", { auth: owner.auth }));
    expect(own.files.map((f: { id: string }) => f.id)).toEqual([inRoom.id]);
    const next = await json(await call("GET", `/api/files?limit=1&cursor=${own.nextCursor}`, { auth: owner.auth }));
    expect(next.files.map((f: { id: string }) => f.id)).toEqual([mine.id]);
    expect(next.nextCursor).toBeNull();

    const room = await json(await call("GET", `/api/files?roomId=${roomId}`, { auth: owner.auth }));
    expect(room.files.map((f: { id: string }) => f.id)).toEqual([inRoom.id]);
    expect((await call("GET", `/api/files?roomId=${roomId}`, { auth: outsider.auth })).status).toBe(404);
    expect((await json(await call("GET", "/api/files", { auth: outsider.auth }))).files).toEqual([]);
  });

  it("deletes for the owner (bytes and row), not for others", async () => {
    const owner = await signUp("Deleter");
    const member = await signUp("Bystander");
    const { id: roomId } = await createRoom(owner.auth, { name: "Files room" });
    await addMember(owner.auth, roomId, member, "editor");
    const file = await json(await upload(owner.auth, { bytes: patterned(20) }, { roomId }));
    await (await call("GET", `${file.url}/meta`, { auth: owner.auth })).json(); // now cached in KV
    expect((await call("DELETE", file.url, { auth: member.auth })).status).toBe(403);
    expect((await call("DELETE", file.url, { auth: owner.auth })).status).toBe(204);
    expect((await call("GET", file.url, { auth: owner.auth })).status).toBe(404);
    expect((await call("GET", `${file.url}/meta`, { auth: admin })).status).toBe(404);
    expect(await env.STORAGE.head(`files/${file.id}`)).toBeNull();
  });
});

describe("processing", () => {
  it("detects the real type from magic bytes: a renamed executable is never served as an image", async () => {
    const owner = await signUp("Tricky");
    const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, ...patterned(200)]);
    const file = await json(await upload(owner.auth, { bytes: exe, name: "cat.png", type: "image/png" }, { visibility: "public" }));
    expect(file.contentType).toBe("image/png"); // what the client said
    const row = await processed(file.id);
    expect(row.detected_type).toBe("application/x-msdownload");
    expect(row.thumbnail_key).toBeNull();
    const response = await call("GET", file.url);
    expect(response.headers.get("content-type")).toBe("application/x-msdownload");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment;/);
    await response.arrayBuffer();
    expect((await call("GET", `${file.url}/thumbnail`)).status).toBe(404);
  });

  it("records image dimensions and writes a PNG thumbnail for PNG and JPEG uploads", async () => {
    const owner = await signUp("Photographer");
    for (const [bytes, type] of [
      [pngImage(640, 320), "image/png"],
      [jpegImage(300, 600), "image/jpeg"],
    ] as const) {
      const file = await json(await upload(owner.auth, { bytes, name: "picture", type }));
      const row = await processed(file.id);
      expect(row.detected_type).toBe(type);
      const meta = (await json(await call("GET", `${file.url}/meta`, { auth: owner.auth }))).file;
      expect(meta).toMatchObject({ status: "processed", thumbnailUrl: `${file.url}/thumbnail` });
      const thumbnail = await call("GET", meta.thumbnailUrl, { auth: owner.auth });
      expect(thumbnail.status).toBe(200);
      expect(thumbnail.headers.get("content-type")).toBe("image/png");
      const decoded = UPNG.decode(await thumbnail.arrayBuffer());
      expect(Math.max(decoded.width, decoded.height)).toBe(256);
      expect([decoded.width, decoded.height]).toEqual(type === "image/png" ? [256, 128] : [128, 256]);
      expect([meta.width, meta.height]).toEqual(type === "image/png" ? [640, 320] : [300, 600]);
      // Outsiders cannot reach the thumbnail of a private file either.
      expect((await call("GET", meta.thumbnailUrl)).status).toBe(404);
    }
  });
});

describe("resumable multipart upload", () => {
  it("creates, uploads parts, completes, and serves the joined file", async () => {
    const owner = await signUp("Resumer");
    const size = 5 * MiB + 1000;
    const bytes = patterned(size);
    const created = await call("POST", "/api/upload/multipart", { auth: owner.auth, body: { name: "movie.bin", size } });
    expect(created.status).toBe(201);
    const { id, partSize, partCount } = await json(created);
    expect(partCount).toBe(2);
    // Not visible while uploading.
    expect((await call("GET", `/api/files/${id}/meta`, { auth: owner.auth })).status).toBe(404);

    const parts = [];
    for (let n = partCount; n >= 1; n--) {
      const chunk = bytes.slice((n - 1) * partSize, n * partSize);
      const response = await call("PUT", `/api/upload/multipart/${id}/parts/${n}`, { auth: owner.auth, rawBody: chunk });
      expect(response.status).toBe(200);
      parts.push(await json(response));
    }
    const done = await call("POST", `/api/upload/multipart/${id}/complete`, { auth: owner.auth, body: { parts } });
    expect(done.status).toBe(201);
    const download = await call("GET", `/api/files/${id}`, { auth: owner.auth });
    expect(await sha256(await download.arrayBuffer())).toBe(await sha256(bytes));
    const row = await processed(id);
    expect(row.sha256).toBe(await sha256(bytes)); // computed by the process-file job
  });

  it("holds resumable uploads to MAX_UPLOAD_BYTES and answers a part cut short with 400", async () => {
    const owner = await signUp("Bigger");
    const over = await call("POST", "/api/upload/multipart", { auth: owner.auth, body: { name: "huge.bin", size: LIMIT + 1 } });
    expect(over.status).toBe(413);
    expect((await json(over)).error.code).toBe("payload_too_large");

    const { id } = await json(await call("POST", "/api/upload/multipart", { auth: owner.auth, body: { name: "x.bin", size: 100 } }));
    // The body promises 100 bytes and ends after 10: nothing stored, a 4xx, and a retry works.
    const { readable, writable } = new FixedLengthStream(100);
    const writer = writable.getWriter();
    void writer.write(new Uint8Array(10)).then(() => writer.abort(new Error("connection dropped"))).catch(() => {});
    const short = await call("PUT", `/api/upload/multipart/${id}/parts/1`, { auth: owner.auth, rawBody: readable });
    expect(short.status).toBe(400);
    const retry = await call("PUT", `/api/upload/multipart/${id}/parts/1`, { auth: owner.auth, rawBody: patterned(100) });
    expect(retry.status).toBe(200);
    const done = await call("POST", `/api/upload/multipart/${id}/complete`, { auth: owner.auth, body: { parts: [await json(retry)] } });
    expect(done.status).toBe(201);
  });

  it("checks room access again on completion: an uploader demoted meanwhile keeps nothing", async () => {
    const owner = await signUp("Keeper");
    const member = await signUp("Demoted");
    const { id: roomId } = await createRoom(owner.auth, { name: "Files room" });
    await addMember(owner.auth, roomId, member, "editor");
    const created = await call("POST", "/api/upload/multipart", { auth: member.auth, body: { name: "late.bin", size: 10, roomId } });
    expect(created.status).toBe(201);
    const { id } = await json(created);
    const part = await json(await call("PUT", `/api/upload/multipart/${id}/parts/1`, { auth: member.auth, rawBody: patterned(10) }));
    await addMember(owner.auth, roomId, member, "viewer");
    const done = await call("POST", `/api/upload/multipart/${id}/complete`, { auth: member.auth, body: { parts: [part] } });
    expect(done.status).toBe(403);
    expect(await env.DB.prepare("SELECT id FROM files WHERE id = ?").bind(id).first()).toBeNull();
    expect(await env.STORAGE.head(`files/${id}`)).toBeNull();
  });

  it("aborts an upload and leaves nothing behind; other users cannot touch it", async () => {
    const owner = await signUp("Quitter");
    const other = await signUp("Meddler");
    const { id } = await json(await call("POST", "/api/upload/multipart", { auth: owner.auth, body: { name: "x", size: 10 } }));
    expect((await call("PUT", `/api/upload/multipart/${id}/parts/1`, { auth: other.auth, rawBody: "0123456789" })).status).toBe(404);
    expect((await call("DELETE", `/api/upload/multipart/${id}`, { auth: other.auth })).status).toBe(404);
    expect((await call("DELETE", `/api/upload/multipart/${id}`, { auth: owner.auth })).status).toBe(204);
    expect(await env.DB.prepare("SELECT id FROM files WHERE id = ?").bind(id).first()).toBeNull();
  });
});

describe("metadata cache", () => {
  it("serves fresh metadata after the job updates a cached row (no stale reads)", async () => {
    const owner = await signUp("Fresh");
    // Seed the cache before processing can change the row.
    const file = await json(await upload(owner.auth, { bytes: pngImage(40, 20), type: "image/png" }));
    await call("GET", `${file.url}/meta`, { auth: owner.auth });
    await processed(file.id);
    await vi.waitFor(async () => {
      const meta = (await json(await call("GET", `${file.url}/meta`, { auth: owner.auth }))).file;
      expect(meta.status).toBe("processed");
    });
    const cached = await env.CACHE.get<{ status: string }>(`rt:file:${file.id}`, "json");
    expect(cached?.status).toBe("processed");
  });
});
