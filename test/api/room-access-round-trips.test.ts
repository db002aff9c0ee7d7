// A room's routes and its socket read the caller's sign-in and the room at the same time, one D1
// round trip's wait (src/api/auth/principal.ts, guards.ts): counted on the real D1 binding, and
// checked to answer what a separate lookup answers.
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { authenticate, takePrefetchedAccess } from "../../src/api/auth/guards.ts";
import type { AppEnv } from "../../src/api/context.ts";
import { roomAccess } from "../../src/core/access.ts";
import { ADMIN_TOKEN, type Auth, authHeaders, createToken, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";

/**
 * The D1 binding, counting waits: a query sent while none is in flight starts a new wait; one
 * sent while another is in flight shares it.
 */
function countingD1(db: D1Database): { db: D1Database; waits: () => number; queries: () => number } {
  let waits = 0;
  let queries = 0;
  let inFlight = 0;
  const track = <T>(run: () => Promise<T>): Promise<T> => {
    queries++;
    if (inFlight++ === 0) waits++;
    return run().finally(() => inFlight--);
  };
  const counted = <S extends D1PreparedStatement>(statement: S): S => {
    for (const method of ["all", "raw", "first", "run"] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => Promise<unknown>;
      (statement as any)[method] = (...args: unknown[]) => track(() => original(...args));
    }
    const bind = statement.bind.bind(statement);
    statement.bind = (...values: unknown[]) => counted(bind(...values));
    return statement;
  };
  const wrapped = {
    prepare: (query: string) => counted(db.prepare(query)),
    batch: (statements: D1PreparedStatement[]) => track(() => db.batch(statements)),
    exec: (query: string) => track(() => db.exec(query)),
  } as unknown as D1Database;
  return { db: wrapped, waits: () => waits, queries: () => queries };
}

/** Only the authentication middleware, then what it read about the room. */
const probe = new Hono<AppEnv>();
probe.use(authenticate);
probe.get("/api/rooms/:id", (c) => {
  const access = takePrefetchedAccess(c, c.req.param("id"));
  return c.json({ prefetched: access !== undefined, canView: access?.canView ?? null, role: access?.role ?? null });
});

async function lookUp(auth: Auth, roomId: string) {
  const { db, waits } = countingD1(env.DB);
  const executionCtx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };
  const response = await probe.request(`/api/rooms/${roomId}`, { headers: authHeaders(auth) }, { ...env, DB: db }, executionCtx);
  expect(response.status).toBe(200);
  return { ...((await response.json()) as { prefetched: boolean; canView: boolean | null; role: string | null }), waits: waits() };
}

describe("a room route's sign-in and room lookup", () => {
  it("waits for one D1 round trip for a session and for a token, and answers what roomAccess answers", async () => {
    const owner = await signUp("Owner");
    const member = await signUp("Member");
    const outsider = await signUp("Outsider");
    const room = await createRoom(owner.auth, { visibility: "private" });
    await addMember(owner.auth, room.id, member, "commenter");
    const token = await createToken(member.auth);
    // A token's first use also records when it was used (a write off the request's path, once a minute).
    await lookUp({ token: token.secret }, room.id);

    for (const [who, auth, user] of [
      ["owner", owner.auth, owner],
      ["member by session", member.auth, member],
      ["member by token", { token: token.secret }, member],
      ["outsider", outsider.auth, outsider],
    ] as const) {
      const seen = await lookUp(auth, room.id);
      const expected = await roomAccess(env, room.id, { user: { id: user.id }, isAdmin: false });
      expect({ who, ...seen }).toEqual({ who, prefetched: true, canView: expected!.canView, role: expected!.role, waits: 1 });
    }
  });

  it("reads the room for nobody when the cookie's session is unknown, and for the admin token", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth, { visibility: "private" });
    expect(await lookUp({ cookie: "roomful_session=not-a-session" }, room.id)).toEqual({ prefetched: true, canView: false, role: null, waits: 2 });
    expect(await lookUp({ token: ADMIN_TOKEN }, room.id)).toEqual({ prefetched: true, canView: true, role: null, waits: 1 });
    expect(await lookUp({}, crypto.randomUUID())).toEqual({ prefetched: true, canView: null, role: null, waits: 1 });
  });
});
