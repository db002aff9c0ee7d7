// The Cron Trigger's handler (schedule in src/core/deployment.ts):
// housekeeping that no request does.
import type { Env } from "../env.ts";
import { sweepAbandonedUploads } from "./files/sweep.ts";

export async function runScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const swept = await sweepAbandonedUploads(env, controller.scheduledTime);
  if (swept > 0) console.log(`cron ${controller.cron}: swept ${swept} abandoned uploads`);
}
