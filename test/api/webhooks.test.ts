// Webhooks (issue 19 item 2), delivered through the real Queue to a real HTTP receiver on
// 127.0.0.1 (test/setup/webhook-receiver.ts): signatures, retries then recovery, order, replay,
// pausing after 24 h of failures, SSRF refusals and who may manage what.
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { recordEvent } from "../../src/core/events.ts";
import { checkWebhookUrl } from "../../src/api/webhooks/url-policy.ts";
import { runScheduled } from "../../src/api/scheduled.ts";
import { toHex } from "../../src/shared/crypto.ts";
import { admin, type Auth, call, json, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { until } from "../helpers/yjs-clients.ts";

const receiver = inject("webhookReceiver");
type Attempt = { deliveryId: string; signature: string; event: string; body: string; status: number };

async function receiverBin(name: string): Promise<{ attempts: Attempt[] }> {
  return (await fetch(`${receiver}/control/${name}`)).json();
}
async function script(name: string, behaviour: { failures?: number; redirect?: boolean }): Promise<void> {
  await fetch(`${receiver}/control/${name}`, { method: "POST", body: JSON.stringify(behaviour) });
}

async function createHook(auth: Auth, body: Record<string, unknown>) {
  const response = await call("POST", "/api/webhooks", { auth, body });
  expect(response.status).toBe(201);
  return json<{ webhook: { id: string; status: string }; secret: string }>(response);
}

async function verify(secret: string, signature: string, body: string): Promise<boolean> {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
  if (!match) return false;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${match[1]}.${body}`));
  return toHex(mac) === match[2];
}

const delivered = (bin: { attempts: Attempt[] }) => bin.attempts.filter((a) => a.status === 200);
const eventOf = (attempt: Attempt) => JSON.parse(attempt.body).event as { id: string; type: string; seq: number; data: Record<string, unknown> };

describe("webhooks", () => {
  it("signs each delivery: the secret verifies it, a tampered body fails", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const bin = crypto.randomUUID();
    const { webhook, secret } = await createHook(owner.auth, { url: `${receiver}/hooks/${bin}`, roomId: room.id });
    expect(secret).toMatch(/^whsec_/);
    // Shown once: never in a later answer.
    const read = await call("GET", `/api/webhooks/${webhook.id}`, { auth: owner.auth });
    expect(JSON.stringify(await json(read))).not.toContain(secret);
    const stored = await env.DB.prepare("SELECT secret FROM webhooks WHERE id = ?").bind(webhook.id).first<{ secret: string }>();
    expect(stored!.secret).not.toContain(secret); // encrypted at rest

    expect((await call("PATCH", `/api/rooms/${room.id}`, { auth: owner.auth, body: { name: "Renamed" } })).status).toBe(200);
    await until(async () => expect(delivered(await receiverBin(bin))).toHaveLength(1), 15_000);
    const [attempt] = delivered(await receiverBin(bin));
    expect(attempt!.deliveryId).toMatch(/^dlv_[0-9a-f]{32}$/);
    expect(attempt!.event).toBe("room.updated");
    expect(eventOf(attempt!)).toMatchObject({ type: "room.updated", data: { changes: { name: "Renamed" } } });
    expect(await verify(secret, attempt!.signature, attempt!.body)).toBe(true);
    expect(await verify(secret, attempt!.signature, attempt!.body.replace("Renamed", "Hijacked"))).toBe(false);
    expect(await verify(`${secret}x`, attempt!.signature, attempt!.body)).toBe(false);
  });

  it("a receiver that fails then recovers gets every event once per delivery id, in order", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const bin = crypto.randomUUID();
    const { webhook } = await createHook(owner.auth, { url: `${receiver}/hooks/${bin}`, roomId: room.id, events: ["test.*"] });
    await script(bin, { failures: 2 });
    for (let i = 0; i < 6; i++) await recordEvent(env, { roomId: room.id, type: "test.step", actor: owner.id, data: { i } });
    await recordEvent(env, { roomId: room.id, type: "other.skipped", actor: owner.id });
    await until(async () => expect(delivered(await receiverBin(bin))).toHaveLength(6), 20_000);
    const { attempts } = await receiverBin(bin);
    expect(attempts.filter((a) => a.status === 500)).toHaveLength(2);
    // The failed attempts were the first event's, under the id it was finally delivered with.
    expect(new Set(attempts.slice(0, 3).map((a) => a.deliveryId)).size).toBe(1);
    const ok = delivered({ attempts });
    expect(ok.map((a) => eventOf(a).data.i)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(ok.map((a) => a.deliveryId)).size).toBe(6);
    expect(ok.every((a) => a.event === "test.step")).toBe(true); // filtered by type

    const log = await json(await call("GET", `/api/webhooks/${webhook.id}/deliveries`, { auth: owner.auth }));
    expect(log.deliveries).toHaveLength(6);
    const first = log.deliveries.at(-1);
    expect(first).toMatchObject({ status: "delivered", attempts: 3, responseStatus: 200, lastError: null });
  });

  it("replay re-sends every event after a cursor, in order, with new delivery ids", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const bin = crypto.randomUUID();
    const { webhook } = await createHook(owner.auth, { url: `${receiver}/hooks/${bin}`, roomId: room.id, events: ["test.*"] });
    for (let i = 0; i < 4; i++) await recordEvent(env, { roomId: room.id, type: "test.step", actor: null, data: { i } });
    await until(async () => expect(delivered(await receiverBin(bin))).toHaveLength(4), 15_000);
    const firstRound = delivered(await receiverBin(bin));
    const afterSecond = eventOf(firstRound[1]!).id;
    const replay = await call("POST", `/api/webhooks/${webhook.id}/replay`, { auth: owner.auth, body: { after: afterSecond } });
    expect(replay.status).toBe(202);
    await until(async () => expect(delivered(await receiverBin(bin))).toHaveLength(6), 15_000);
    const replayed = delivered(await receiverBin(bin)).slice(4);
    expect(replayed.map((a) => eventOf(a).data.i)).toEqual([2, 3]);
    expect(replayed.map((a) => a.deliveryId)).not.toContain(firstRound[2]!.deliveryId);
    expect((await call("POST", `/api/webhooks/${webhook.id}/replay`, { auth: owner.auth, body: { after: "not-a-cursor" } })).status).toBe(400);
  });

  it("a webhook failing for 24 hours is paused and its owner mailed; resuming sends what waited", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const bin = crypto.randomUUID();
    const { webhook } = await createHook(owner.auth, { url: `${receiver}/hooks/${bin}`, roomId: room.id, events: ["test.*"] });
    await script(bin, { failures: 1000 });
    // It has been failing for a day already.
    await env.DB.prepare("UPDATE webhooks SET failing_since = ? WHERE id = ?").bind(Date.now() - 25 * 60 * 60 * 1000, webhook.id).run();
    await recordEvent(env, { roomId: room.id, type: "test.step", actor: null, data: { i: 0 } });
    // A failing webhook is not woken by each new event (that would defeat the backoff): the hourly cron tries it.
    await runScheduled({ scheduledTime: Date.now(), cron: "17 * * * *" } as ScheduledController, env);
    await until(async () => {
      const { webhook: now } = await json(await call("GET", `/api/webhooks/${webhook.id}`, { auth: owner.auth }));
      expect(now.status).toBe("paused");
      expect(now.pausedReason).toContain("24 hours");
    }, 15_000);
    const { mail } = await json<{ mail: { to: string; subject: string; text: string }[] }>(await call("GET", "/api/outbox?limit=100", { auth: admin }));
    const notices = mail.filter((m) => m.to === owner.email && m.subject === "A Roomful webhook was paused");
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain(`/api/webhooks/${webhook.id}`);

    await script(bin, {});
    const resumed = await call("PATCH", `/api/webhooks/${webhook.id}`, { auth: owner.auth, body: { paused: false } });
    expect((await json(resumed)).webhook.status).toBe("active");
    await until(async () => expect(delivered(await receiverBin(bin))).toHaveLength(1), 15_000);
  });

  it("a global webhook gets room.deleted; a room's own webhooks go with the room", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth, { name: "Short-lived" });
    const globalBin = crypto.randomUUID();
    const global = await createHook(admin, { url: `${receiver}/hooks/${globalBin}`, events: ["room.deleted"] });
    const own = await createHook(owner.auth, { url: `${receiver}/hooks/${crypto.randomUUID()}`, roomId: room.id });
    expect((await call("DELETE", `/api/rooms/${room.id}`, { auth: owner.auth })).status).toBe(204);
    await until(async () => {
      const deletions = delivered(await receiverBin(globalBin)).map(eventOf).filter((e) => e.data.name === "Short-lived");
      expect(deletions.map((e) => e.type)).toEqual(["room.deleted"]);
    }, 15_000);
    expect((await call("GET", `/api/webhooks/${own.webhook.id}`, { auth: admin })).status).toBe(404);
    expect((await call("DELETE", `/api/webhooks/${global.webhook.id}`, { auth: admin })).status).toBe(204);
  });

  it("a webhook whose creator is no longer an owner of its room is paused, not delivered", async () => {
    const owner = await signUp("Owner");
    const heir = await signUp("Heir");
    const room = await createRoom(owner.auth);
    await addMember(owner.auth, room.id, heir, "owner");
    const bin = crypto.randomUUID();
    const { webhook } = await createHook(owner.auth, { url: `${receiver}/hooks/${bin}`, roomId: room.id });
    expect((await call("DELETE", `/api/rooms/${room.id}/members/${owner.id}`, { auth: heir.auth })).status).toBe(204);
    await until(async () => {
      const { webhook: now } = await json(await call("GET", `/api/webhooks/${webhook.id}`, { auth: admin }));
      expect(now.status).toBe("paused");
      expect(now.pausedReason).toContain("may no longer manage");
    }, 15_000);
    expect((await receiverBin(bin)).attempts).toHaveLength(0);
  });

  it("a redirect is a failed delivery, never followed", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const bin = crypto.randomUUID();
    const { webhook } = await createHook(owner.auth, { url: `${receiver}/hooks/${bin}`, roomId: room.id, events: ["test.*"] });
    await script(bin, { redirect: true });
    await recordEvent(env, { roomId: room.id, type: "test.step", actor: null });
    await until(async () => {
      const log = await json(await call("GET", `/api/webhooks/${webhook.id}/deliveries`, { auth: owner.auth }));
      expect(log.deliveries[0]).toMatchObject({ status: "failed", responseStatus: 302 });
      expect(log.deliveries[0].lastError).toContain("302");
    }, 15_000);
  });

  it("refuses URLs that would reach the server's own network (SSRF)", async () => {
    const production = { APP_ENV: "production", WEBHOOK_ALLOW_LOOPBACK: false } as const;
    const development = { APP_ENV: "development", WEBHOOK_ALLOW_LOOPBACK: false } as const;
    const refusedEverywhere = [
      "http://169.254.169.254/latest/meta-data/",
      "https://169.254.169.254/",
      "https://[fd00:ec2::254]/",
      "https://[::ffff:169.254.169.254]/",
      "https://[fe80::1]/",
      "https://0.0.0.0/",
      "https://[::]/",
      "https://224.0.0.1/",
    ];
    for (const url of refusedEverywhere) {
      expect(checkWebhookUrl(url, production).ok, url).toBe(false);
      expect(checkWebhookUrl(url, development).ok, url).toBe(false);
    }
    for (const url of ["https://10.1.2.3/", "https://192.168.1.1/", "https://172.20.0.1/", "https://[fd12::1]/", "https://db.internal/"]) {
      expect(checkWebhookUrl(url, production).ok, url).toBe(false);
      expect(checkWebhookUrl(url, development).ok, url).toBe(true);
    }
    for (const url of ["http://127.0.0.1:8080/", "http://localhost/", "http://[::1]/", "http://2130706433/", "https://[::ffff:127.0.0.1]/"]) {
      expect(checkWebhookUrl(url, production).ok, url).toBe(false);
      expect(checkWebhookUrl(url, { ...production, WEBHOOK_ALLOW_LOOPBACK: true }).ok, url).toBe(true);
    }
    expect(checkWebhookUrl("http://example.com/hook", development).ok).toBe(false); // https outside loopback
    expect(checkWebhookUrl("https://example.com/hook", production).ok).toBe(true);
    expect(checkWebhookUrl("https://user:pw@example.com/", production).ok).toBe(false);
    expect(checkWebhookUrl("ftp://example.com/", production).ok).toBe(false);

    // Through the API (the tests run with WEBHOOK_ALLOW_LOOPBACK, as local dev does).
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    for (const url of ["http://169.254.169.254/", "https://[fd00:ec2::254]/", "https://10.0.0.1/", "http://example.com/", "javascript:alert(1)"]) {
      const response = await call("POST", "/api/webhooks", { auth: owner.auth, body: { url, roomId: room.id } });
      expect(response.status, url).toBe(400);
      expect((await json(response)).error.code).toBe("url_refused");
    }
    const { webhook } = await createHook(owner.auth, { url: `${receiver}/hooks/x`, roomId: room.id });
    const patched = await call("PATCH", `/api/webhooks/${webhook.id}`, { auth: owner.auth, body: { url: "https://169.254.169.254/" } });
    expect(patched.status).toBe(400);
  });

  it("room owners manage their room's webhooks, admins every webhook; nobody else sees them", async () => {
    const owner = await signUp("Owner");
    const editor = await signUp("Editor");
    const outsider = await signUp("Outsider");
    const room = await createRoom(owner.auth);
    await addMember(owner.auth, room.id, editor, "editor");
    const url = `${receiver}/hooks/${crypto.randomUUID()}`;
    expect((await call("POST", "/api/webhooks", { auth: editor.auth, body: { url, roomId: room.id } })).status).toBe(403);
    expect((await call("POST", "/api/webhooks", { auth: outsider.auth, body: { url, roomId: room.id } })).status).toBe(404);
    expect((await call("POST", "/api/webhooks", { auth: owner.auth, body: { url } })).status).toBe(403); // every room: admins only
    const { webhook } = await createHook(owner.auth, { url, roomId: room.id });
    const global = await createHook(admin, { url, events: ["room.deleted"] });
    for (const auth of [editor.auth, outsider.auth]) {
      expect((await call("GET", `/api/webhooks/${webhook.id}`, { auth })).status).toBe(404);
      expect((await call("DELETE", `/api/webhooks/${webhook.id}`, { auth })).status).toBe(404);
      const listed = await json(await call("GET", "/api/webhooks", { auth }));
      expect(listed.webhooks).toEqual([]);
    }
    expect((await call("GET", `/api/webhooks/${global.webhook.id}`, { auth: owner.auth })).status).toBe(404);
    const mine = await json(await call("GET", "/api/webhooks", { auth: owner.auth }));
    expect(mine.webhooks.map((w: { id: string }) => w.id)).toEqual([webhook.id]);
    expect((await call("GET", `/api/webhooks/${webhook.id}`, { auth: admin })).status).toBe(200);
    expect((await call("DELETE", `/api/webhooks/${global.webhook.id}`, { auth: admin })).status).toBe(204);
    expect((await call("DELETE", `/api/webhooks/${webhook.id}`, { auth: owner.auth })).status).toBe(204);
    expect((await call("GET", `/api/webhooks/${webhook.id}`, { auth: owner.auth })).status).toBe(404);
  });
});
