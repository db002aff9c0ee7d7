import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { admin, call, createToken, json, signUp, uniqueEmail } from "../helpers/http.ts";

describe("signup", () => {
  it("creates a user without exposing any secret", async () => {
    const email = uniqueEmail();
    const response = await call("POST", "/api/users", { body: { name: "Grace", email, password: "long enough pw" } });
    expect(response.status).toBe(201);
    const { user } = await json(response);
    expect(user).toMatchObject({ name: "Grace", email, role: "user" });
    expect(JSON.stringify(user)).not.toMatch(/hash|password|pbkdf2/i);
    const row = await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?").bind(user.id).first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[\w-]+\$[\w-]+$/);
  });

  it("refuses a duplicate email (case-insensitively) with 409", async () => {
    const email = uniqueEmail();
    expect((await call("POST", "/api/users", { body: { name: "A", email, password: "password-1" } })).status).toBe(201);
    const again = await call("POST", "/api/users", { body: { name: "B", email: email.toUpperCase(), password: "password-2" } });
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe("conflict");
  });

  it("answers invalid bodies with 400 and field details, never 500", async () => {
    const bad = await call("POST", "/api/users", { body: { name: "", email: "not-an-email", password: "short" } });
    expect(bad.status).toBe(400);
    const { error } = await json(bad);
    expect(error.code).toBe("validation_failed");
    expect(error.details.map((d: { path: string }) => d.path).sort()).toEqual(["email", "name", "password"]);

    const extra = await call("POST", "/api/users", { body: { name: "X", email: uniqueEmail(), password: "password-1", role: "admin" } });
    expect(extra.status).toBe(400);

    const malformed = await call("POST", "/api/users", { rawBody: "{nope", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).error.code).toBe("invalid_json");

    const wrongType = await call("POST", "/api/users", { rawBody: "name=x", headers: { "content-type": "text/plain" } });
    expect(wrongType.status).toBe(415);
  });

  it("enqueues a welcome email that the queue consumer delivers to the outbox", async () => {
    const email = uniqueEmail("welcome");
    const response = await call("POST", "/api/users", { body: { name: "Wendy", email, password: "password-1" } });
    const { user } = await json(response);
    await vi.waitFor(
      async () => {
        const mail = await env.DB.prepare("SELECT subject, \"to\" FROM outbox WHERE \"to\" = ?").bind(email).first();
        expect(mail).toMatchObject({ subject: "Welcome to Roomful", to: email });
      },
      { timeout: 5000, interval: 100 },
    );
    const job = await env.DB.prepare("SELECT status, attempts FROM jobs WHERE type = 'welcome-email' AND payload LIKE ?")
      .bind(`%${user.id}%`)
      .first();
    expect(job).toMatchObject({ status: "done", attempts: 1 });
  });
});

describe("sessions", () => {
  it("logs in with an HttpOnly SameSite=Lax cookie, knows who you are, and logs out for good", async () => {
    const user = await signUp("Linus");
    const login = await call("POST", "/api/auth/login", { body: { email: user.email, password: user.password } });
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Secure/); // APP_ENV is not "development" in tests
    const cookie = setCookie.split(";")[0]!;

    const me = await call("GET", "/api/auth/me", { auth: { cookie } });
    expect(me.status).toBe(200);
    expect((await json(me)).user.id).toBe(user.id);

    expect((await call("POST", "/api/auth/logout", { auth: { cookie } })).status).toBe(204);
    // The session row is gone: replaying the old cookie is anonymous.
    expect((await call("GET", "/api/auth/me", { auth: { cookie } })).status).toBe(401);
  });

  it("rejects a wrong password and an unknown email the same way", async () => {
    const user = await signUp("Mallory");
    const wrong = await call("POST", "/api/auth/login", { body: { email: user.email, password: "not the password" } });
    const unknown = await call("POST", "/api/auth/login", { body: { email: uniqueEmail(), password: "whatever-123" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((await json(wrong)).error).toEqual((await json(unknown)).error);
  });

  it("expired sessions are not accepted", async () => {
    const user = await signUp("Old");
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = ?").bind(Date.now() - 1, user.id).run();
    expect((await call("GET", "/api/auth/me", { auth: user.auth })).status).toBe(401);
  });

  it("locks an account out with 429 after repeated failures", async () => {
    const user = await signUp("Target");
    for (let i = 0; i < 5; i++) {
      const attempt = await call("POST", "/api/auth/login", { body: { email: user.email, password: `guess-${i}-xx` } });
      expect(attempt.status).toBe(401);
    }
    const locked = await call("POST", "/api/auth/login", { body: { email: user.email, password: user.password } });
    expect(locked.status).toBe(429);
    expect((await json(locked)).error.code).toBe("rate_limited");
  });
});

describe("API tokens", () => {
  it("are shown once, work as Bearer tokens, and stop working when revoked", async () => {
    const user = await signUp("Scripter");
    const token = await createToken(user.auth);
    expect(token.secret).toMatch(/^rf_/);

    const me = await call("GET", "/api/auth/me", { auth: { token: token.secret } });
    expect((await json(me)).user.id).toBe(user.id);

    const list = await json(await call("GET", "/api/tokens", { auth: user.auth }));
    expect(list.tokens).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(token.secret);

    expect((await call("DELETE", `/api/tokens/${token.id}`, { auth: user.auth })).status).toBe(204);
    expect((await call("GET", "/api/auth/me", { auth: { token: token.secret } })).status).toBe(401);
  });

  it("a read-only token cannot write", async () => {
    const user = await signUp("Reader");
    const token = await createToken(user.auth, ["read"]);
    expect((await call("GET", `/api/users/${user.id}`, { auth: { token: token.secret } })).status).toBe(200);
    const write = await call("PATCH", `/api/users/${user.id}`, { auth: { token: token.secret }, body: { name: "New" } });
    expect(write.status).toBe(403);
  });

  it("an invalid bearer token is a 401, not anonymous access", async () => {
    expect((await call("GET", "/api/health", { auth: { token: "rf_bogus" } })).status).toBe(401);
  });

  it("one user cannot revoke another user's token", async () => {
    const owner = await signUp("Owner");
    const other = await signUp("Other");
    const token = await createToken(owner.auth);
    expect((await call("DELETE", `/api/tokens/${token.id}`, { auth: other.auth })).status).toBe(404);
  });
});

describe("user access", () => {
  it("a user reads and edits only themselves; admins reach everyone", async () => {
    const alice = await signUp("Alice");
    const bob = await signUp("Bob");
    expect((await call("GET", `/api/users/${alice.id}`, { auth: alice.auth })).status).toBe(200);
    expect((await call("GET", `/api/users/${alice.id}`, { auth: bob.auth })).status).toBe(403);
    expect((await call("PATCH", `/api/users/${alice.id}`, { auth: bob.auth, body: { name: "Evil" } })).status).toBe(403);
    expect((await call("DELETE", `/api/users/${alice.id}`, { auth: bob.auth })).status).toBe(403);
    expect((await call("GET", `/api/users/${alice.id}`)).status).toBe(401);

    expect((await call("GET", `/api/users/${alice.id}`, { auth: admin })).status).toBe(200);
    const renamed = await call("PATCH", `/api/users/${alice.id}`, { auth: admin, body: { name: "Alice A." } });
    expect((await json(renamed)).user.name).toBe("Alice A.");
  });

  it("only admins change roles, and a promoted user becomes an admin", async () => {
    const carol = await signUp("Carol");
    const selfPromote = await call("PATCH", `/api/users/${carol.id}`, { auth: carol.auth, body: { role: "admin" } });
    expect(selfPromote.status).toBe(403);
    expect((await call("GET", "/api/users", { auth: carol.auth })).status).toBe(403);
    await call("PATCH", `/api/users/${carol.id}`, { auth: admin, body: { role: "admin" } });
    expect((await call("GET", "/api/users", { auth: carol.auth })).status).toBe(200);
  });

  it("lists users page by page with a cursor", async () => {
    for (let i = 0; i < 3; i++) await signUp(`Pager${i}`);
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await json(
        await call("GET", `/api/users?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { auth: admin }),
      );
      expect(page.users.length).toBeLessThanOrEqual(2);
      for (const user of page.users) {
        expect(seen.has(user.id)).toBe(false);
        seen.add(user.id);
      }
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    const total = await env.DB.prepare("SELECT COUNT(*) AS n FROM users").first<{ n: number }>();
    expect(seen.size).toBe(total!.n);
    expect((await call("GET", "/api/users?limit=0", { auth: admin })).status).toBe(400);
    expect((await call("GET", "/api/users?cursor=%%%", { auth: admin })).status).toBe(400);
  });

  it("deleting a user removes their sessions", async () => {
    const dave = await signUp("Dave");
    expect((await call("DELETE", `/api/users/${dave.id}`, { auth: dave.auth, body: { currentPassword: dave.password } })).status).toBe(204);
    expect((await call("GET", "/api/auth/me", { auth: dave.auth })).status).toBe(401);
    expect((await call("GET", `/api/users/${dave.id}`, { auth: admin })).status).toBe(404);
  });

  it("an invalid id is a 400, not a 500", async () => {
    expect((await call("GET", "/api/users/not-a-uuid", { auth: admin })).status).toBe(400);
  });
});
