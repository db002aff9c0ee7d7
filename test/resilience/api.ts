// HTTP helpers against a running stack: users, tokens and rooms through the real REST API.
export const ADMIN_TOKEN = "local-admin-token";

export type User = { id: string; email: string; password: string; cookie: string; token: string };

export class Api {
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }

  async call(method: string, path: string, options: { body?: unknown; token?: string; cookie?: string; headers?: Record<string, string>; raw?: BodyInit } = {}) {
    const headers = new Headers(options.headers);
    if (options.body !== undefined) headers.set("content-type", "application/json");
    if (options.token) headers.set("authorization", `Bearer ${options.token}`);
    if (options.cookie) headers.set("cookie", options.cookie);
    return fetch(`${this.base}${path}`, {
      method,
      headers,
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: AbortSignal.timeout(30_000),
    });
  }

  async ok<T = any>(method: string, path: string, options: Parameters<Api["call"]>[2] = {}): Promise<T> {
    const response = await this.call(method, path, options);
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} -> ${response.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  async user(name: string): Promise<User> {
    const email = `${name.toLowerCase().replace(/\W/g, "")}-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const password = "resilience password";
    const { user } = await this.ok("POST", "/api/users", { body: { name, email, password } });
    const login = await this.call("POST", "/api/auth/login", { body: { email, password } });
    if (login.status !== 200) throw new Error(`login ${login.status}`);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    const { token } = await this.ok("POST", "/api/tokens", { cookie, body: { name: "resilience" } });
    return { id: user.id, email, password, cookie, token: token.secret };
  }

  async room(owner: User, members: Array<{ user: User; role: "editor" | "viewer" }> = [], visibility = "private"): Promise<string> {
    const { room } = await this.ok("POST", "/api/rooms", { token: owner.token, body: { name: "Resilience", visibility } });
    for (const m of members) {
      // Membership starts when the invitee accepts.
      const { invitation } = await this.ok("POST", `/api/rooms/${room.id}/members`, { token: owner.token, body: { email: m.user.email, role: m.role } });
      await this.ok("POST", `/api/invitations/${invitation.id}/accept`, { token: m.user.token });
    }
    return room.id;
  }

  async healthy(): Promise<boolean> {
    try {
      const response = await this.call("GET", "/api/health");
      return response.status === 200 && ((await response.json()) as { status?: string }).status === "ok";
    } catch {
      return false;
    }
  }
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function pool<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}
