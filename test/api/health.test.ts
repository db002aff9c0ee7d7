import { describe, expect, it } from "vitest";
import { call, json } from "../helpers/http.ts";

describe("health", () => {
  it("reports ok with real D1, KV and R2 round-trips", async () => {
    const response = await call("GET", "/api/health");
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({ status: "ok", checks: { d1: "ok", kv: "ok", r2: "ok" } });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const response = await call("GET", "/api/nope");
    expect(response.status).toBe(404);
    expect((await json(response)).error.code).toBe("not_found");
  });

  it("serves a generated OpenAPI document covering the routes", async () => {
    const doc = await json(await call("GET", "/api/openapi.json"));
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/users", "/api/users/{id}", "/api/auth/login"]));
    expect(doc.paths["/api/users"].post.requestBody.content["application/json"].schema.properties).toHaveProperty("email");
  });

  it("allows the dev SPA origin with credentials and refuses others", async () => {
    const allowed = await call("OPTIONS", "/api/health", {
      headers: { origin: "http://localhost:3000", "access-control-request-method": "GET" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    const refused = await call("OPTIONS", "/api/health", {
      headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
    });
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });
});
