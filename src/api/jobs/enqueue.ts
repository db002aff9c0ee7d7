// Every job is a row in D1 first (so admins can see it and retries are tracked),
// then a small queue message pointing at that row.
import type { Env } from "../../env.ts";
import { jobs } from "../../db/schema.ts";
import type { JobType } from "../../shared/jobs.ts";
import { newId } from "../../shared/crypto.ts";
import { database } from "../db.ts";

export async function enqueueJob(env: Env, type: JobType, payload: Record<string, unknown>): Promise<string> {
  const id = newId();
  await database(env).insert(jobs).values({ id, type, payload, status: "queued", updatedAt: Date.now() });
  await env.JOBS.send({ jobId: id, type });
  return id;
}
