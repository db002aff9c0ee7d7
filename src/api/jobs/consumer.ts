// The queue consumer: each message names a job row in D1; the handler for its type
// runs it, and the row records attempts, status and the last error.
import { and, eq, ne, sql } from "drizzle-orm";
import { jobs } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import type { JobMessage, JobType } from "../../shared/jobs.ts";
import { config } from "../../core/config.ts";
import { database } from "../../core/db.ts";
import { type JobHandler, jobHandlers } from "./handlers.ts";

/**
 * The consumer's retry count and dead-letter queue live in src/core/deployment.ts; the delay
 * starts at JOB_RETRY_DELAY_SECONDS and doubles with each attempt, up to a minute.
 */
export function retryDelaySeconds(env: Pick<Env, "JOB_RETRY_DELAY_SECONDS">, attempt: number): number {
  return Math.min(config(env).JOB_RETRY_DELAY_SECONDS * 2 ** (attempt - 1), 60);
}

/** `handlers` is a parameter so tests can run the consumer with a deliberately flaky job. */
export async function consumeJobs(
  batch: MessageBatch<JobMessage>,
  env: Env,
  handlers: Partial<Record<JobType, JobHandler>> = jobHandlers,
): Promise<void> {
  const isDeadLetter = batch.queue.endsWith("-dlq");
  for (const message of batch.messages) {
    const { jobId, type } = message.body ?? ({} as JobMessage);
    const db = database(env);
    if (isDeadLetter) {
      // Out of retries: the job is failed for good, with the error it last had.
      await db
        .update(jobs)
        .set({ status: "failed", updatedAt: Date.now() })
        .where(and(eq(jobs.id, jobId ?? ""), ne(jobs.status, "done")));
      message.ack();
      continue;
    }
    const [job] = jobId ? await db.select().from(jobs).where(eq(jobs.id, jobId)).limit(1) : [];
    const handler = handlers[type as JobType];
    if (!job || !handler) {
      console.error("dropping unknown job message", message.body);
      message.ack();
      continue;
    }
    if (job.status === "done") {
      message.ack(); // a redelivery of finished work
      continue;
    }
    await db
      .update(jobs)
      .set({ status: "running", attempts: sql`${jobs.attempts} + 1`, updatedAt: Date.now() })
      .where(eq(jobs.id, job.id));
    try {
      await handler(env, job);
      await db.update(jobs).set({ status: "done", lastError: null, updatedAt: Date.now() }).where(eq(jobs.id, job.id));
      message.ack();
    } catch (error) {
      const lastError = error instanceof Error ? error.message : String(error);
      await db.update(jobs).set({ status: "queued", lastError, updatedAt: Date.now() }).where(eq(jobs.id, job.id));
      message.retry({ delaySeconds: retryDelaySeconds(env, message.attempts) });
    }
  }
}
