// /api/workflow: start onboarding for a user, and watch it step by step.
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { users, workflowSteps } from "../../db/schema.ts";
import { ONBOARDING_STEPS } from "../../workflows/onboarding.ts";
import { startOnboarding, userIdOfInstance } from "../../workflows/start.ts";
import { requirePrincipal, requireSelfOrAdmin } from "../auth/guards.ts";
import type { AppEnv } from "../context.ts";
import { database } from "../../core/db.ts";
import { notFound } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { idSchema, readJson, readParams } from "../validation.ts";
import type { OnboardingStatus, OnboardingStep } from "../../shared/api-types.ts";

export const workflowRoutes = new Hono<AppEnv>();

const startBody = z.strictObject({ userId: idSchema });
const instanceParams = z.object({ instanceId: z.string().regex(/^[\w-]{1,100}$/) });

documentRoute({
  method: "post",
  path: "/api/workflow/start",
  summary: "Start onboarding for a user",
  auth: "the user or an admin",
  body: startBody,
  responses: { 202: "{ instanceId }", 404: "No such user" },
});
workflowRoutes.post("/start", async (c) => {
  const { userId } = await readJson(c, startBody);
  requireSelfOrAdmin(c, userId);
  const [user] = await database(c.env).select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
  if (!user) throw notFound("User");
  return c.json({ instanceId: await startOnboarding(c.env, userId) }, 202);
});

documentRoute({
  method: "get",
  path: "/api/workflow/:instanceId",
  summary: "An onboarding run: overall status and each step's state",
  auth: "the user or an admin",
  responses: { 200: "{ instanceId, status, error, output, steps }", 404: "Not found" },
});
workflowRoutes.get("/:instanceId", async (c) => {
  const { instanceId } = readParams(c, instanceParams);
  const principal = requirePrincipal(c);
  if (!principal.isAdmin && principal.user?.id !== userIdOfInstance(instanceId)) throw notFound("Workflow instance");
  let status: InstanceStatus;
  try {
    status = await (await c.env.ONBOARDING.get(instanceId)).status();
  } catch {
    throw notFound("Workflow instance");
  }
  const rows = await database(c.env).select().from(workflowSteps).where(eq(workflowSteps.instanceId, instanceId));
  const byName = new Map(rows.map((row) => [row.step, row]));
  const steps = ONBOARDING_STEPS.map((name): OnboardingStep => {
    const row = byName.get(name);
    return {
      name,
      status: row?.status ?? "pending",
      attempts: row?.attempts ?? 0,
      lastError: row?.lastError ?? null,
      updatedAt: row ? new Date(row.updatedAt).toISOString() : null,
    };
  });
  const run: OnboardingStatus = { instanceId, status: status.status, error: status.error ?? null, output: status.output ?? null, steps };
  return c.json(run);
});
