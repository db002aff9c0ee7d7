// Roomful over REST: a bench user, an API token, rooms, document stats and snapshots.
const ADMIN_TOKEN = "local-admin-token";

async function call(base, method, path, { token, cookie, body } = {}) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (cookie) headers.cookie = cookie;
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return { json: text ? JSON.parse(text) : null, res };
}

/** Signs up a user, logs in (session cookie) and makes a read+write API token. */
export async function benchUser(base, label = "bench") {
  const email = `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@bench.local`;
  const password = "bench-password-123456";
  await call(base, "POST", "/api/users", { body: { name: label, email, password } });
  const login = await call(base, "POST", "/api/auth/login", { body: { email, password } });
  const cookie = login.res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { json } = await call(base, "POST", "/api/tokens", { cookie, body: { name: "bench", scopes: ["read", "write"] } });
  return { token: json.token.secret, cookie };
}

export async function createRoom(base, token, name) {
  const { json } = await call(base, "POST", "/api/rooms", { token, body: { name, visibility: "private" } });
  return json.room.id;
}

export async function documentStats(base, token, roomId) {
  return (await call(base, "GET", `/api/rooms/${roomId}/document/stats`, { token })).json.stats;
}

export async function takeSnapshot(base, token, roomId) {
  return (await call(base, "POST", `/api/rooms/${roomId}/snapshots`, { token, body: { label: "bench" } })).json.snapshot;
}

/** Posts to a room's chat as the bootstrap admin (scripts; not rate limited). */
export async function postChat(base, roomId, body) {
  return call(base, "POST", `/api/rooms/${roomId}/messages`, { token: ADMIN_TOKEN, body: { body } });
}
