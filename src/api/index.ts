// The Worker entrypoint: HTTP and WebSocket upgrades through the Hono app, queue
// batches through the job consumer, the Cron Trigger's housekeeping, and the Durable
// Object / Workflow classes.
import type { Env } from "../env.ts";
import type { JobMessage } from "../shared/jobs.ts";
import { app } from "./app.ts";
import { consumeJobs } from "./jobs/consumer.ts";
import { runScheduled } from "./scheduled.ts";

export { Room } from "../rooms/room.ts";
export { Presence } from "../presence/presence.ts";
export { UserSockets } from "../rooms/user-sockets.ts";
export { OnboardingWorkflow } from "../workflows/onboarding.ts";

export default {
  fetch: app.fetch,
  queue: (batch, env) => consumeJobs(batch, env),
  scheduled: (controller, env) => runScheduled(controller, env),
} satisfies ExportedHandler<Env, JobMessage>;
