// Onboarding, step by step with retries: validate, create profile, welcome email, settings.
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import type { Env } from "../env.ts";

export type OnboardingParams = { userId: string };

export class OnboardingWorkflow extends WorkflowEntrypoint<Env, OnboardingParams> {
  async run(event: WorkflowEvent<OnboardingParams>, step: WorkflowStep) {
    const user = await step.do("validate user data", async () => {
      const row = await this.env.DB.prepare("SELECT id, email FROM users WHERE id = ?")
        .bind(event.payload.userId)
        .first<{ id: string; email: string }>();
      if (!row) throw new Error(`user ${event.payload.userId} does not exist`);
      return row;
    });
    return { userId: user.id };
  }
}
