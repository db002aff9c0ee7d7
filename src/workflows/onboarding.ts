// Onboarding, step by step with retries: validate, create profile, welcome email, settings.
// Every side effect is inside a named step, and each step is idempotent: a retried step
// finds its own earlier work (upserts, a stable job id) instead of repeating it.
import { NonRetryableError } from "cloudflare:workflows";
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { eq, isNull, and } from "drizzle-orm";
import { userProfiles, users } from "../db/schema.ts";
import type { Env } from "../env.ts";
import { database } from "../core/db.ts";
import { enqueueJob } from "../core/jobs.ts";
import { markStep } from "./step-state.ts";

export type OnboardingParams = { userId: string };

export const ONBOARDING_STEPS = [
  "validate user data",
  "create user profile",
  "send welcome email",
  "initialize settings",
] as const;
type StepName = (typeof ONBOARDING_STEPS)[number];

/** Database steps retry fast; the email step waits longer for a struggling queue. */
const dbStep: WorkflowStepConfig = { retries: { limit: 5, delay: "1 second", backoff: "exponential" }, timeout: "30 seconds" };
const mailStep: WorkflowStepConfig = { retries: { limit: 8, delay: "5 seconds", backoff: "exponential" }, timeout: "1 minute" };

export const DEFAULT_SETTINGS = { theme: "system", emailNotifications: true, editorFont: "serif" };

/** The welcome email's job id: one welcome per user, however often onboarding runs. */
export const welcomeJobId = (userId: string) => `welcome:${userId}`;

export class OnboardingWorkflow extends WorkflowEntrypoint<Env, OnboardingParams> {
  async run(event: WorkflowEvent<OnboardingParams>, step: WorkflowStep) {
    const tracked = <T extends Rpc.Serializable<T>>(name: StepName, config: WorkflowStepConfig, body: () => Promise<T>) =>
      step.do(name, config, async () => {
        await markStep(this.env, event.instanceId, name, "running");
        try {
          const result = await body();
          await markStep(this.env, event.instanceId, name, "done");
          return result;
        } catch (error) {
          await markStep(this.env, event.instanceId, name, "failed", error);
          throw error;
        }
      });
    const db = database(this.env);

    const user = await tracked("validate user data", dbStep, async () => {
      const [row] = await db
        .select({ id: users.id, name: users.name, email: users.email })
        .from(users)
        .where(eq(users.id, event.payload.userId))
        .limit(1);
      // Retrying cannot make a missing user appear.
      if (!row) throw new NonRetryableError(`user ${event.payload.userId} does not exist`);
      if (!row.email.includes("@") || row.name.trim() === "") throw new NonRetryableError("user data is incomplete");
      return row;
    });

    await tracked("create user profile", dbStep, async () => {
      await db.insert(userProfiles).values({ userId: user.id, displayName: user.name }).onConflictDoNothing();
      return { userId: user.id };
    });

    const jobId = await tracked("send welcome email", mailStep, () =>
      enqueueJob(this.env, "welcome-email", { userId: user.id }, { id: welcomeJobId(user.id) }),
    );

    await tracked("initialize settings", dbStep, async () => {
      await db
        .update(userProfiles)
        .set({ settings: DEFAULT_SETTINGS })
        .where(and(eq(userProfiles.userId, user.id), isNull(userProfiles.settings)));
      return { initialized: true };
    });

    return { userId: user.id, welcomeJobId: jobId };
  }
}
