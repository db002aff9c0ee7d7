// Each onboarding step records its own state in D1 (workflow_steps), so
// GET /api/workflow/:id can show every step, not only the instance's overall status.
import { sql } from "drizzle-orm";
import { workflowSteps } from "../db/schema.ts";
import type { Env } from "../env.ts";
import { database } from "../core/db.ts";

export async function markStep(
  env: Env,
  instanceId: string,
  step: string,
  status: "running" | "done" | "failed",
  error?: unknown,
): Promise<void> {
  const now = Date.now();
  const lastError = error === undefined ? null : error instanceof Error ? error.message : String(error);
  const started = status === "running" ? 1 : 0;
  await database(env)
    .insert(workflowSteps)
    .values({ instanceId, step, status, attempts: started, lastError, updatedAt: now })
    .onConflictDoUpdate({
      target: [workflowSteps.instanceId, workflowSteps.step],
      set: {
        status,
        attempts: sql`${workflowSteps.attempts} + ${started}`,
        // A running attempt keeps the previous error visible until it succeeds.
        ...(status !== "running" && { lastError }),
        updatedAt: now,
      },
    });
}
