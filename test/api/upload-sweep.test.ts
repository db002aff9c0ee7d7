// Resumable uploads: parts are held to the declared size, and the hourly Cron Trigger sweeps
// uploads abandoned for a day (their D1 rows and R2 multipart uploads).
import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/api/index.ts";
import { ABANDONED_UPLOAD_MS } from "../../src/api/files/sweep.ts";
import { PART_SIZE } from "../../src/api/files/r2-writer.ts";
import { call, json, signUp, type Auth } from "../helpers/http.ts";

const start = async (auth: Auth, size: number) => {
  const response = await call("POST", "/api/upload/multipart", { auth, body: { name: "r.bin", size } });
  expect(response.status).toBe(201);
  return (await json(response)) as { id: string; uploadId: string; partCount: number };
};
const putPart = (auth: Auth, id: string, part: number, bytes: number) =>
  call("PUT", `/api/upload/multipart/${id}/parts/${part}`, { auth, rawBody: new Uint8Array(bytes).fill(part) });

describe("resumable parts beyond the declared size", () => {
  it("refuses parts larger than their share or numbered past the last with 413", async () => {
    const user = await signUp("Liar");
    const tiny = await start(user.auth, 1);
    expect(tiny.partCount).toBe(1);
    for (const part of [1, 2, 3]) {
      const response = await putPart(user.auth, tiny.id, part, PART_SIZE);
      expect(response.status).toBe(413);
      expect((await json(response)).error.code).toBe("payload_too_large");
    }
    expect((await putPart(user.auth, tiny.id, 1, 2)).status).toBe(413);
    const fits = await putPart(user.auth, tiny.id, 1, 1);
    expect(fits.status).toBe(200);
    expect((await call("POST", `/api/upload/multipart/${tiny.id}/complete`, { auth: user.auth, body: { parts: [await json(fits)] } })).status).toBe(201);

    // Two parts: the first a whole part, the last only the remainder.
    const two = await start(user.auth, PART_SIZE + 10);
    expect(two.partCount).toBe(2);
    expect((await putPart(user.auth, two.id, 2, 11)).status).toBe(413);
    expect((await putPart(user.auth, two.id, 3, 1)).status).toBe(413);
    expect((await putPart(user.auth, two.id, 2, 10)).status).toBe(200);
    expect((await putPart(user.auth, two.id, 1, PART_SIZE)).status).toBe(200);
  });
});

describe("sweeping abandoned uploads", () => {
  it("the scheduled handler aborts uploads older than a day and deletes their rows, leaving recent ones", async () => {
    const user = await signUp("Forgetful");
    const old = await start(user.auth, 100);
    expect((await putPart(user.auth, old.id, 1, 100)).status).toBe(200);
    const recent = await start(user.auth, 100);
    const now = Date.now();
    await env.DB.prepare("UPDATE files SET created_at = ? WHERE id = ?").bind(now - ABANDONED_UPLOAD_MS - 60_000, old.id).run();

    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "17 * * * *" }), env);

    expect(await env.DB.prepare("SELECT id FROM files WHERE id = ?").bind(old.id).first()).toBeNull();
    // R2 no longer knows the aborted upload: a part sent to it fails.
    await expect(env.STORAGE.resumeMultipartUpload(`files/${old.id}`, old.uploadId).uploadPart(1, new Uint8Array(10))).rejects.toThrow();
    expect((await putPart(user.auth, old.id, 1, 100)).status).toBe(404);

    expect(await env.DB.prepare("SELECT status FROM files WHERE id = ?").bind(recent.id).first()).toEqual({ status: "uploading" });
    expect((await putPart(user.auth, recent.id, 1, 100)).status).toBe(200);
  });

  it("removes a row whose R2 upload is already gone", async () => {
    const user = await signUp("Vanished");
    const gone = await start(user.auth, 100);
    await env.STORAGE.resumeMultipartUpload(`files/${gone.id}`, gone.uploadId).abort();
    await env.DB.prepare("UPDATE files SET created_at = 0 WHERE id = ?").bind(gone.id).run();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), env);
    expect(await env.DB.prepare("SELECT id FROM files WHERE id = ?").bind(gone.id).first()).toBeNull();
  });
});
