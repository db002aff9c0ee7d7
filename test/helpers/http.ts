// Calls the real Worker (exports.default.fetch) and creates users/sessions the way a client would.
import { exports } from "cloudflare:workers";
import { expect } from "vitest";

export const ADMIN_TOKEN = "test-admin-token";
export const BASE = "http://roomful.test";

export type Auth = { cookie?: string; token?: string };

/** The headers a client sends for `auth`: its session cookie or its bearer token. */
export function authHeaders(auth: Auth): Record<string, string> {
  return {
    ...(auth.cookie && { cookie: auth.cookie }),
    ...(auth.token && { authorization: `Bearer ${auth.token}` }),
  };
}

export async function call(
  method: string,
  path: string,
  options: { body?: unknown; auth?: Auth; headers?: Record<string, string>; rawBody?: BodyInit } = {},
): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.body !== undefined) headers.set("content-type", "application/json");
  for (const [name, value] of Object.entries(authHeaders(options.auth ?? {}))) headers.set(name, value);
  return exports.default.fetch(
    new Request(`${BASE}${path}`, {
      method,
      headers,
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    }),
  );
}

export async function json<T = any>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

export const admin: Auth = { token: ADMIN_TOKEN };

let counter = 0;
export function uniqueEmail(prefix = "user"): string {
  counter += 1;
  return `${prefix}-${counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

export type TestUser = { id: string; email: string; name: string; password: string; auth: Auth };

/** Signs up and signs in a fresh user; returns their session cookie. */
export async function signUp(name = "Ada"): Promise<TestUser> {
  const email = uniqueEmail(name.toLowerCase());
  const password = "correct horse battery";
  const created = await call("POST", "/api/users", { body: { name, email, password } });
  expect(created.status).toBe(201);
  const { user } = await json(created);
  const login = await call("POST", "/api/auth/login", { body: { email, password } });
  expect(login.status).toBe(200);
  const setCookie = login.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0]!;
  return { id: user.id, email, name, password, auth: { cookie } };
}

export async function createToken(auth: Auth, scopes?: string[]): Promise<{ id: string; secret: string }> {
  const response = await call("POST", "/api/tokens", { auth, body: { name: "script", ...(scopes && { scopes }) } });
  expect(response.status).toBe(201);
  return (await json(response)).token;
}
