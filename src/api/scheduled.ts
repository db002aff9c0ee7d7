// The Cron Trigger's handler (schedule in src/core/deployment.ts):
// housekeeping that no request does.
import type { Env } from "../env.ts";
import { sweepAbandonedUploads } from "./files/sweep.ts";
import { pruneEvents } from "./events/prune.ts";
import { wakeStalledWebhooks } from "./webhooks/dispatch.ts";

export async function runScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const swept = await sweepAbandonedUploads(env, controller.scheduledTime);
  if (swept > 0) console.log(`cron ${controller.cron}: swept ${swept} abandoned uploads`);
  const pruned = await pruneEvents(env, controller.scheduledTime);
  if (pruned > 0) console.log(`cron ${controller.cron}: pruned ${pruned} events past retention`);
  // Webhooks whose failing job went to the dead-letter queue try again (and pause after 24 h).
  await wakeStalledWebhooks(env);
}
