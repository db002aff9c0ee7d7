import { introspectWorkflow } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { admin, call, json, signUp } from "../helpers/http.ts";

const STEPS = ["validate user data", "create user profile", "send welcome email", "initialize settings"];

async function finished(instanceId: string, auth = admin) {
  return vi.waitFor(
    async () => {
      const body = await json(await call("GET", `/api/workflow/${instanceId}`, { auth }));
      expect(body.status).toBe("complete");
      return body;
    },
    { timeout: 15_000, interval: 100 },
  );
}

describe("onboarding workflow", () => {
  it("runs all four steps to completion, once per user however often it is started", async () => {
    const user = await signUp("Newcomer"); // signup starts one run
    const started = await call("POST", "/api/workflow/start", { auth: user.auth, body: { userId: user.id } });
    expect(started.status).toBe(202);
    const { instanceId } = await json(started);

    const run = await finished(instanceId, user.auth);
    expect(run.steps.map((s: { name: string }) => s.name)).toEqual(STEPS);
    for (const step of run.steps) expect(step).toMatchObject({ status: "done", attempts: 1, lastError: null });
    expect(run.output).toEqual({ userId: user.id, welcomeJobId: `welcome:${user.id}` });

    const profile = await env.DB.prepare("SELECT display_name, settings FROM user_profiles WHERE user_id = ?")
      .bind(user.id)
      .first<{ display_name: string; settings: string }>();
    expect(profile?.display_name).toBe("Newcomer");
    expect(JSON.parse(profile!.settings)).toMatchObject({ theme: "system" });
    // Two runs (signup + start), one welcome email.
    await vi.waitFor(async () => {
      const mail = await env.DB.prepare('SELECT count(*) AS n FROM outbox WHERE "to" = ?').bind(user.email).first<{ n: number }>();
      expect(mail?.n).toBe(1);
    });
  });

  it("retries a step that fails transiently, then completes", async () => {
    const user = await signUp("Resilient");
    const introspector = await introspectWorkflow(env.ONBOARDING);
    try {
      await introspector.modifyAll(async (m) => {
        await m.disableRetryDelays();
        await m.mockStepError({ name: "create user profile" }, new Error("D1 is briefly unavailable"), 2);
      });
      const { instanceId } = await json(await call("POST", "/api/workflow/start", { auth: admin, body: { userId: user.id } }));
      const [instance] = await introspector.get();
      expect(instance).toBeDefined();
      await instance!.waitForStatus("complete");
      expect(await instance!.waitForStepResult({ name: "create user profile" })).toEqual({ userId: user.id });
      const run = await finished(instanceId);
      expect(run.steps.every((s: { status: string }) => s.status === "done")).toBe(true);
    } finally {
      await introspector.dispose();
    }
  });

  it("fails for good, without retrying, when the user does not exist", async () => {
    const introspector = await introspectWorkflow(env.ONBOARDING);
    try {
      const missing = crypto.randomUUID();
      const instance = await env.ONBOARDING.create({ id: `${missing}-x`, params: { userId: missing } });
      const [introspected] = await introspector.get();
      await introspected!.waitForStatus("errored");
      const run = await json(await call("GET", `/api/workflow/${instance.id}`, { auth: admin }));
      expect(run.status).toBe("errored");
      expect(run.steps[0]).toMatchObject({ name: "validate user data", status: "failed", attempts: 1 });
      expect(run.steps[1]).toMatchObject({ status: "pending", attempts: 0 });
    } finally {
      await introspector.dispose();
    }
  });

  it("is only started and read by the user themselves or an admin", async () => {
    const alice = await signUp("Alice");
    const bob = await signUp("Bob");
    expect((await call("POST", "/api/workflow/start", { auth: bob.auth, body: { userId: alice.id } })).status).toBe(403);
    expect((await call("POST", "/api/workflow/start", { auth: admin, body: { userId: crypto.randomUUID() } })).status).toBe(404);
    const { instanceId } = await json(await call("POST", "/api/workflow/start", { auth: alice.auth, body: { userId: alice.id } }));
    expect((await call("GET", `/api/workflow/${instanceId}`, { auth: bob.auth })).status).toBe(404);
    expect((await call("GET", `/api/workflow/${crypto.randomUUID()}-nope`, { auth: admin })).status).toBe(404);
    await finished(instanceId, alice.auth);
  });
});
