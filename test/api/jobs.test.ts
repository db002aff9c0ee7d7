import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { consumeJobs, retryDelaySeconds } from "../../src/api/jobs/consumer.ts";
import type { JobMessage } from "../../src/shared/jobs.ts";
import { admin, call, json, signUp } from "../helpers/http.ts";

async function insertJob(type: JobMessage["type"], payload: Record<string, unknown>): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare("INSERT INTO jobs (id, type, payload, status, updated_at) VALUES (?, ?, ?, 'queued', ?)")
    .bind(id, type, JSON.stringify(payload), Date.now())
    .run();
  return id;
}

async function jobRow(id: string) {
  return env.DB.prepare("SELECT status, attempts, last_error FROM jobs WHERE id = ?").bind(id).first<{
    status: string;
    attempts: number;
    last_error: string | null;
  }>();
}

/** Delivers one message to the consumer, as the queue would on attempt `attempts`. */
async function deliver(jobId: string, type: JobMessage["type"], attempts: number, handlers?: Parameters<typeof consumeJobs>[2]) {
  const batch = createMessageBatch<JobMessage>("roomful-jobs", [
    { id: `msg-${jobId}`, timestamp: new Date(), attempts, body: { jobId, type } },
  ]);
  const ctx = createExecutionContext();
  await consumeJobs(batch, env, handlers);
  return getQueueResult(batch, ctx);
}

describe("retries", () => {
  it("a job that fails twice is retried with backoff and then succeeds", async () => {
    const jobId = await insertJob("welcome-email", { userId: "nobody" });
    let calls = 0;
    const flaky = {
      "welcome-email": async () => {
        calls += 1;
        if (calls <= 2) throw new Error(`mail server down (${calls})`);
      },
    };
    for (const attempt of [1, 2]) {
      const result = await deliver(jobId, "welcome-email", attempt, flaky);
      expect(result.retryMessages).toEqual([expect.objectContaining({ msgId: `msg-${jobId}` })]);
      expect(await jobRow(jobId)).toEqual({ status: "queued", attempts: attempt, last_error: `mail server down (${attempt})` });
    }
    const result = await deliver(jobId, "welcome-email", 3, flaky);
    expect(result.explicitAcks).toEqual([`msg-${jobId}`]);
    expect(await jobRow(jobId)).toEqual({ status: "done", attempts: 3, last_error: null });
  });

  it("backs off exponentially from the configured delay, capped at a minute", () => {
    const config = { JOB_RETRY_DELAY_SECONDS: "2" };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelaySeconds(config, attempt))).toEqual([2, 4, 8, 16, 32, 60]);
  });

  it("a job that keeps failing lands in the dead-letter queue and is marked failed with its error", async () => {
    const owner = await signUp("Unlucky");
    const fileId = crypto.randomUUID();
    // A file row whose bytes are gone: process-file can never succeed.
    await env.DB.prepare(
      "INSERT INTO files (id, owner_id, name, size, content_type, r2_key, status) VALUES (?, ?, 'gone.bin', 3, 'application/octet-stream', ?, 'ready')",
    )
      .bind(fileId, owner.id, `files/${fileId}`)
      .run();
    const jobId = await insertJob("process-file", { fileId });
    await env.JOBS.send({ jobId, type: "process-file" });
    const job = await vi.waitFor(
      async () => {
        const row = await jobRow(jobId);
        expect(row?.status).toBe("failed");
        return row!;
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(job.attempts).toBe(4); // the first delivery and maxRetries (3) retries
    expect(job.last_error).toMatch(/R2 object files\/.* is missing/);
    const viaApi = await json(await call("GET", `/api/jobs/${jobId}`, { auth: admin }));
    expect(viaApi.job).toMatchObject({ id: jobId, status: "failed", attempts: 4 });
  });
});

describe("idempotency", () => {
  it("a redelivered welcome email is not sent twice", async () => {
    const user = await signUp("Twice");
    const jobId = await insertJob("welcome-email", { userId: user.id });
    await deliver(jobId, "welcome-email", 1);
    // As if the worker died after sending but before recording "done".
    await env.DB.prepare("UPDATE jobs SET status = 'running' WHERE id = ?").bind(jobId).run();
    await deliver(jobId, "welcome-email", 2);
    await deliver(jobId, "welcome-email", 3); // and once more after it is done
    const mail = await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE job_id = ?").bind(jobId).first<{ n: number }>();
    expect(mail?.n).toBe(1);
    expect((await jobRow(jobId))?.status).toBe("done");
  });
});

describe("admin views", () => {
  it("lists jobs by type and status, shows one job, and the outbox, to admins only", async () => {
    const user = await signUp("Watcher");
    await vi.waitFor(
      async () => {
        const { mail } = await json(await call("GET", "/api/outbox", { auth: admin }));
        expect(mail.some((m: { to: string }) => m.to === user.email)).toBe(true);
      },
      { timeout: 10_000, interval: 100 },
    );
    const done = await json(await call("GET", "/api/jobs?type=welcome-email&status=done", { auth: admin }));
    expect(done.jobs.length).toBeGreaterThan(0);
    expect(done.jobs.every((j: { type: string; status: string }) => j.type === "welcome-email" && j.status === "done")).toBe(true);
    const welcome = done.jobs.find((j: { payload: { userId: string } }) => j.payload.userId === user.id);
    expect(welcome.id).toBe(`welcome:${user.id}`);
    expect((await call("GET", `/api/jobs/${encodeURIComponent(welcome.id)}`, { auth: admin })).status).toBe(200);
    expect((await call("GET", "/api/jobs/unknown", { auth: admin })).status).toBe(404);
    expect((await call("GET", "/api/jobs?status=bogus", { auth: admin })).status).toBe(400);

    expect((await call("GET", "/api/jobs", { auth: user.auth })).status).toBe(403);
    expect((await call("GET", "/api/outbox", { auth: user.auth })).status).toBe(403);
    expect((await call("GET", "/api/outbox")).status).toBe(401);
  });
});
