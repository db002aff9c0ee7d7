// What happens after an account is created: the onboarding workflow (profile, welcome
// email through the queue, default settings).
import type { Env } from "../../env.ts";
import { welcomeJobId } from "../../workflows/onboarding.ts";
import { startOnboarding } from "../../workflows/start.ts";
import { enqueueJob } from "../../core/jobs.ts";

/** Returns the onboarding instance id (the client follows its progress), or null if it did not start. */
export async function afterSignup(env: Env, userId: string): Promise<string | null> {
  try {
    return await startOnboarding(env, userId);
  } catch (error) {
    // The account exists either way; at least the welcome email must go out. Its job id
    // is the one the workflow uses, so a later onboarding run does not mail twice.
    console.error(`could not start onboarding for ${userId}:`, error);
    await enqueueJob(env, "welcome-email", { userId }, { id: welcomeJobId(userId) });
    return null;
  }
}
