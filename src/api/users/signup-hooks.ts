// What happens after an account is created: the welcome email goes through the queue.
import type { Env } from "../../env.ts";
import { enqueueJob } from "../jobs/enqueue.ts";

export async function afterSignup(env: Env, userId: string): Promise<void> {
  await enqueueJob(env, "welcome-email", { userId });
}
