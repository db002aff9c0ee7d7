// Per-user quotas (src/api/quotas.ts): rooms owned (MAX_ROOMS_PER_USER, 100 by default) and bytes
// stored in files (MAX_STORED_BYTES_PER_USER, 30 MiB in vitest.config.ts); admins are exempt.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { config } from "../../src/core/config.ts";
import { admin, call, json, signUp, type Auth } from "../helpers/http.ts";

const MiB = 1024 * 1024;
const QUOTA = 30 * MiB;
const DEFAULT_MAX_ROOMS_PER_USER = config(env).MAX_ROOMS_PER_USER;

const makeAdmin = async (userId: string) =>
  expect((await call("PATCH", `/api/users/${userId}`, { auth: admin, body: { role: "admin" } })).status).toBe(200);

function upload(auth: Auth, bytes: number, options: { declareLength?: boolean } = {}) {
  // A streamed body without Content-Length, so the quota must be enforced while reading.
  const boundary = "----quota-boundary";
  const encoder = new TextEncoder();
  const head = encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="q.bin"\r\n\r\n`);
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const { readable, writable } = options.declareLength ? new FixedLengthStream(head.length + bytes + tail.length) : new IdentityTransformStream();
  const writer = writable.getWriter();
  writer.closed.catch(() => {});
  void (async () => {
    try {
      await writer.write(head);
      for (let sent = 0; sent < bytes; sent += 256 * 1024) await writer.write(new Uint8Array(Math.min(256 * 1024, bytes - sent)).fill(7));
      await writer.write(tail);
      await writer.close();
    } catch {
      // the server stopped reading
    }
  })();
  return call("POST", "/api/upload", { auth, rawBody: readable, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } });
}

const startResumable = (auth: Auth, size: number) => call("POST", "/api/upload/multipart", { auth, body: { name: "r.bin", size } });

async function ownFiles(userId: string) {
  const rows = await env.DB.prepare("SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM files WHERE owner_id = ?").bind(userId).first<{ n: number; bytes: number }>();
  return rows!;
}

describe("room quota", () => {
  it(`refuses a user's room number ${DEFAULT_MAX_ROOMS_PER_USER + 1} with 429 quota_exceeded; admins are exempt`, async () => {
    const user = await signUp("Hoarder");
    const create = (name: string) => call("POST", "/api/rooms", { auth: user.auth, body: { name, visibility: "private" } });
    for (let i = 0; i < DEFAULT_MAX_ROOMS_PER_USER - 5; i++) expect((await create(`R${i}`)).status).toBe(201);
    // The last few in parallel: the check and the insert are one statement, so none slips past.
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => create(`burst ${i}`)));
    expect(burst.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = burst.find((r) => r.status !== 201)!;
    expect(refused.status).toBe(429);
    const body = await json(refused);
    expect(body.error.code).toBe("quota_exceeded");
    expect(body.error.message).toContain(String(DEFAULT_MAX_ROOMS_PER_USER));
    const owned = await env.DB.prepare("SELECT count(*) AS n FROM rooms WHERE owner_id = ?").bind(user.id).first<{ n: number }>();
    expect(owned!.n).toBe(DEFAULT_MAX_ROOMS_PER_USER);
    // No membership row without its room.
    const orphans = await env.DB.prepare("SELECT count(*) AS n FROM room_members m LEFT JOIN rooms r ON r.id = m.room_id WHERE r.id IS NULL").first<{ n: number }>();
    expect(orphans!.n).toBe(0);

    // Deleting one frees a place; an admin has no cap.
    const [one] = (await env.DB.prepare("SELECT id FROM rooms WHERE owner_id = ? LIMIT 1").bind(user.id).all<{ id: string }>()).results;
    expect((await call("DELETE", `/api/rooms/${one!.id}`, { auth: user.auth })).status).toBe(204);
    expect((await create("freed")).status).toBe(201);
    expect((await create("over again")).status).toBe(429);
    await makeAdmin(user.id);
    expect((await create("as admin")).status).toBe(201);
  });
});

describe("storage quota", () => {
  it("stops a single upload with 413 storage_quota_exceeded while streaming, keeping nothing of it", async () => {
    const user = await signUp("Filler");
    expect((await upload(user.auth, 12 * MiB)).status).toBe(201);
    expect((await upload(user.auth, 12 * MiB)).status).toBe(201);
    const over = await upload(user.auth, 10 * MiB); // 34 MiB in all, no Content-Length
    expect(over.status).toBe(413);
    expect((await json(over)).error.code).toBe("storage_quota_exceeded");
    expect(await ownFiles(user.id)).toEqual({ n: 2, bytes: 24 * MiB });
    // A declared length over what is left is refused before the body is read.
    const declared = await upload(user.auth, 7 * MiB, { declareLength: true });
    expect(declared.status).toBe(413);
    expect((await json(declared)).error.code).toBe("storage_quota_exceeded");
    // What fits still goes in.
    expect((await upload(user.auth, 6 * MiB - 100)).status).toBe(201);
    expect((await env.STORAGE.list({ prefix: "files/" })).objects.length).toBeGreaterThanOrEqual(3);
  });

  it("refuses a resumable upload at its start when its declared size does not fit, counting uploads in progress", async () => {
    const user = await signUp("Resumer");
    expect((await upload(user.auth, 12 * MiB)).status).toBe(201);
    expect((await upload(user.auth, 12 * MiB)).status).toBe(201);
    const tooBig = await startResumable(user.auth, 7 * MiB); // 31 MiB of 30
    expect(tooBig.status).toBe(413);
    expect((await json(tooBig)).error.code).toBe("storage_quota_exceeded");
    // Parallel starts: each row reserves its declared size, so at most one of these fits.
    const starts = await Promise.all([startResumable(user.auth, 5 * MiB), startResumable(user.auth, 5 * MiB), startResumable(user.auth, 5 * MiB)]);
    expect(starts.filter((r) => r.status === 201).length).toBeLessThanOrEqual(1);
    for (const r of starts.filter((r) => r.status !== 201)) expect((await json(r)).error.code).toBe("storage_quota_exceeded");
    expect((await ownFiles(user.id)).bytes).toBeLessThanOrEqual(QUOTA);
    // An upload in progress holds its place: with 5 MiB reserved, 2 more do not fit.
    if (starts.every((r) => r.status !== 201)) expect((await startResumable(user.auth, 5 * MiB)).status).toBe(201);
    const after = await startResumable(user.auth, 2 * MiB);
    expect(after.status).toBe(413);
    expect((await json(after)).error.code).toBe("storage_quota_exceeded");
  });

  it("does not hold admins to the storage quota", async () => {
    const user = await signUp("Operator");
    await makeAdmin(user.id);
    for (let i = 0; i < 3; i++) expect((await upload(user.auth, 12 * MiB)).status).toBe(201);
    expect((await startResumable(user.auth, 12 * MiB)).status).toBe(201);
    expect((await ownFiles(user.id)).bytes).toBe(48 * MiB);
  });
});
