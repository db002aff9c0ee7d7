import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, call, createToken, json, signUp } from "../helpers/http.ts";

describe("/api/cache", () => {
  it("stores, returns with its content type, and forgets a value", async () => {
    const put = await call("PUT", "/api/cache/report:daily", {
      auth: admin,
      rawBody: '{"ok":true}',
      headers: { "content-type": "application/json" },
    });
    expect(put.status).toBe(204);
    const got = await call("GET", "/api/cache/report:daily", { auth: admin });
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/json");
    expect(await got.text()).toBe('{"ok":true}');
    expect((await call("DELETE", "/api/cache/report:daily", { auth: admin })).status).toBe(204);
    const gone = await call("GET", "/api/cache/report:daily", { auth: admin });
    expect(gone.status).toBe(404);
    expect((await json(gone)).error.code).toBe("not_found");
  });

  it("honours KV's 60-second minimum TTL with a clear 400", async () => {
    const tooShort = await call("PUT", "/api/cache/short?ttl=59", { auth: admin, rawBody: "x" });
    expect(tooShort.status).toBe(400);
    expect(JSON.stringify(await json(tooShort))).toContain("at least 60 seconds");
    expect((await call("PUT", "/api/cache/short?ttl=abc", { auth: admin, rawBody: "x" })).status).toBe(400);
    expect((await call("PUT", "/api/cache/short?ttl=60", { auth: admin, rawBody: "x" })).status).toBe(204);
    const { metadata, value } = await env.CACHE.getWithMetadata("script:short");
    expect(value).toBe("x");
    expect(metadata).toEqual({ contentType: "text/plain;charset=UTF-8" }); // what the client sent
  });

  it("validates keys", async () => {
    expect((await call("PUT", `/api/cache/${"k".repeat(257)}`, { auth: admin, rawBody: "x" })).status).toBe(400);
    expect((await call("PUT", "/api/cache/bad%20key", { auth: admin, rawBody: "x" })).status).toBe(400);
    expect((await call("GET", "/api/cache/bad%24key", { auth: admin })).status).toBe(400);
  });

  it("is for admins and tokens with the cache scope only", async () => {
    const user = await signUp("Scripter");
    expect((await call("GET", "/api/cache/anything")).status).toBe(401);
    expect((await call("GET", "/api/cache/anything", { auth: user.auth })).status).toBe(403);
    // Only admins may mint the cache scope; an admin's token without it is refused too.
    const refused = await call("POST", "/api/tokens", { auth: user.auth, body: { name: "x", scopes: ["cache"] } });
    expect(refused.status).toBe(403);
    await call("PATCH", `/api/users/${user.id}`, { auth: admin, body: { role: "admin" } });
    const plain = await createToken(user.auth, ["read", "write"]);
    expect((await call("GET", "/api/cache/anything", { auth: { token: plain.secret } })).status).toBe(403);
    const scoped = await createToken(user.auth, ["read", "write", "cache"]);
    expect((await call("PUT", "/api/cache/from-script", { auth: { token: scoped.secret }, rawBody: "v" })).status).toBe(204);
    expect(await (await call("GET", "/api/cache/from-script", { auth: { token: scoped.secret } })).text()).toBe("v");
  });
});

describe("read-through cache", () => {
  it("never serves a deleted file from the cache", async () => {
    const owner = await signUp("Cached");
    const form = new FormData();
    form.append("file", new Blob(["cache me"], { type: "text/plain" }), "c.txt");
    const file = await json(await call("POST", "/api/upload", { auth: owner.auth, rawBody: form }));
    expect((await call("GET", `${file.url}/meta`, { auth: owner.auth })).status).toBe(200);
    expect(await env.CACHE.get(`rt:file:${file.id}`)).not.toBeNull();
    expect((await call("DELETE", file.url, { auth: owner.auth })).status).toBe(204);
    expect(await env.CACHE.get(`rt:file:${file.id}`)).toBeNull();
    expect((await call("GET", `${file.url}/meta`, { auth: owner.auth })).status).toBe(404);
  });

  it("admin cache keys cannot reach the app's own entries", async () => {
    await env.CACHE.put("rt:file:x", "internal");
    expect((await call("GET", "/api/cache/rt:file:x", { auth: admin })).status).toBe(404);
  });
});
