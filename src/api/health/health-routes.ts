// /api/health: real round-trips to D1, KV and R2, so a broken binding shows up here.
import { Hono } from "hono";
import type { AppEnv } from "../context.ts";
import { documentRoute } from "../openapi.ts";
import { APP_VERSION } from "../../shared/version.ts";

export const healthRoutes = new Hono<AppEnv>();

async function check(probe: () => Promise<unknown>): Promise<"ok" | "error"> {
  try {
    await probe();
    return "ok";
  } catch (error) {
    console.error("health check failed:", error);
    return "error";
  }
}

documentRoute({
  method: "get",
  path: "/api/health",
  summary: "Health of the Worker and its storage bindings",
  auth: "public",
  responses: { 200: "All checks ok", 503: "A check failed" },
});
healthRoutes.get("/", async (c) => {
  const [d1, kv, r2] = await Promise.all([
    check(() => c.env.DB.prepare("SELECT 1").first()),
    check(() => c.env.CACHE.get("health:probe")),
    check(() => c.env.STORAGE.head("health/probe")),
  ]);
  const ok = d1 === "ok" && kv === "ok" && r2 === "ok";
  return c.json({ status: ok ? "ok" : "degraded", version: APP_VERSION, checks: { d1, kv, r2 } }, ok ? 200 : 503);
});
