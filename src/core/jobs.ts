// Every job is a row in D1 first (so admins can see it and retries are tracked),
// then a small queue message pointing at that row.
import { eq } from "drizzle-orm";
import type { Env } from "../env.ts";
import { jobs } from "../db/schema.ts";
import type { JobType } from "../shared/jobs.ts";
import { newId } from "../shared/crypto.ts";
import { database } from "./db.ts";

/**
 * Pass a stable `id` to make enqueueing itself idempotent (a retried workflow step):
 * the row is created once, and a finished job is not queued again.
 */
export async function enqueueJob(
  env: Env,
  type: JobType,
  payload: Record<string, unknown>,
  options: { id?: string; delaySeconds?: number } = {},
): Promise<string> {
  const id = options.id ?? newId();
  const db = database(env);
  await db.insert(jobs).values({ id, type, payload, status: "queued", updatedAt: Date.now() }).onConflictDoNothing();
  if (options.id) {
    const [row] = await db.select({ status: jobs.status }).from(jobs).where(eq(jobs.id, id)).limit(1);
    if (row?.status === "done") return id;
  }
  await env.JOBS.send({ jobId: id, type }, options.delaySeconds ? { delaySeconds: options.delaySeconds } : undefined);
  return id;
}
