// /api/webhooks: admins manage every webhook (a webhook without roomId gets every room's events
// and the global ones); a room's owners manage that room's. Anyone else gets 404 for a webhook,
// as for a private room. Deliveries: dispatch.ts; URL rules: url-policy.ts.
import { and, count, desc, eq, inArray, isNull } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { roomMembers, webhookDeliveries, type WebhookRow, webhooks } from "../../db/schema.ts";
import { newId, randomToken } from "../../shared/crypto.ts";
import { requirePrincipal } from "../auth/guards.ts";
import type { Principal } from "../auth/principal.ts";
import type { AppContext, AppEnv } from "../context.ts";
import { config } from "../../core/config.ts";
import { database } from "../../core/db.ts";
import { enqueueJob } from "../../core/jobs.ts";
import { roomAccess } from "../../core/access.ts";
import { ApiError, forbidden, notFound } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { olderThan, pageOf, readCursor } from "../pagination.ts";
import { idParams, idSchema, pageQuery, readJson, readParams, readQuery } from "../validation.ts";
import { eventCursor, eventTypePattern, readEventCursor } from "../events/feed.ts";
import { sealSecret } from "./secret-box.ts";
import { checkWebhookUrl } from "./url-policy.ts";

export const webhookRoutes = new Hono<AppEnv>();

/** What one room, or the whole instance, may hold: each webhook costs a job per event. */
export const MAX_WEBHOOKS_PER_ROOM = 10;
export const MAX_GLOBAL_WEBHOOKS = 25;

const eventList = z.array(eventTypePattern).max(20);
const createBody = z.strictObject({ url: z.string().max(2048), events: eventList.default([]), roomId: idSchema.optional() });
const updateBody = z
  .strictObject({ url: z.string().max(2048).optional(), events: eventList.optional(), paused: z.boolean().optional() })
  .refine((body) => Object.keys(body).length > 0, { message: "Nothing to update." });
const replayBody = z.strictObject({ after: z.string().max(200).nullable() });
const listQuery = pageQuery.extend({ roomId: idSchema.optional() });

function presentWebhook(row: WebhookRow) {
  return {
    id: row.id,
    roomId: row.roomId,
    url: row.url,
    events: row.events,
    status: row.status,
    pausedReason: row.pausedReason,
    /** The last event handled: deliveries continue after it. */
    cursor: row.cursor === 0 ? null : eventCursor(row.cursor),
    failingSince: row.failingSince === null ? null : new Date(row.failingSince).toISOString(),
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

function allowedUrl(c: AppContext, url: string): string {
  const verdict = checkWebhookUrl(url, config(c.env));
  if (!verdict.ok) throw new ApiError(400, "url_refused", `That webhook URL is refused: ${verdict.reason}.`);
  return verdict.url.href;
}

/** May the caller manage webhooks of this room (null: the global ones)? 404 when it may not even see the room. */
async function assertManages(c: AppContext, principal: Principal, roomId: string | null): Promise<void> {
  if (roomId === null) {
    if (!principal.isAdmin) throw forbidden("Only admins manage webhooks for every room; give a roomId you own.");
    return;
  }
  const access = await roomAccess(c.env, roomId, principal);
  if (!access?.canView) throw notFound("Room");
  if (!access.canManage) throw forbidden("Only the room's owners or an admin manage its webhooks.");
}

/** The webhook, if the caller manages it; 404 otherwise (a webhook's existence is its managers' business). */
async function managedWebhook(c: AppContext): Promise<WebhookRow> {
  const principal = requirePrincipal(c);
  const { id } = readParams(c, idParams);
  const [hook] = await database(c.env).select().from(webhooks).where(eq(webhooks.id, id)).limit(1);
  if (!hook) throw notFound("Webhook");
  if (principal.isAdmin) return hook;
  const access = hook.roomId ? await roomAccess(c.env, hook.roomId, principal) : null;
  if (!access?.canManage) throw notFound("Webhook");
  return hook;
}

documentRoute({
  method: "post",
  path: "/api/webhooks",
  summary: "Create a webhook { url, events?, roomId? }; the signing secret is in this answer only",
  auth: "admin (any roomId or none), or an owner of roomId",
  body: createBody,
  responses: { 201: "{ webhook, secret }", 400: "url_refused or bad body", 403: "Not an owner of the room / not an admin", 404: "No such room", 429: "Too many webhooks" },
});
webhookRoutes.post("/", async (c) => {
  const principal = requirePrincipal(c);
  const body = await readJson(c, createBody);
  const roomId = body.roomId ?? null;
  await assertManages(c, principal, roomId);
  const url = allowedUrl(c, body.url);
  const db = database(c.env);
  const [held] = await db.select({ n: count() }).from(webhooks).where(roomId ? eq(webhooks.roomId, roomId) : isNull(webhooks.roomId));
  const cap = roomId ? MAX_WEBHOOKS_PER_ROOM : MAX_GLOBAL_WEBHOOKS;
  if ((held?.n ?? 0) >= cap) throw new ApiError(429, "too_many_webhooks", `At most ${cap} webhooks ${roomId ? "per room" : "for every room"}.`);
  const secret = `whsec_${randomToken(32)}`;
  // Deliveries start with the next event: the cursor is the newest event now.
  const newest = await c.env.DB.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM events").first<{ id: number }>();
  const now = Date.now();
  const [hook] = await db
    .insert(webhooks)
    .values({
      id: newId(),
      roomId,
      ownerId: principal.user?.id ?? null,
      url,
      events: body.events,
      secret: await sealSecret(c.env.SESSION_SECRET, secret),
      cursor: newest?.id ?? 0,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return c.json({ webhook: presentWebhook(hook!), secret }, 201);
});

documentRoute({
  method: "get",
  path: "/api/webhooks",
  summary: "Webhooks you manage (admins: all), newest first",
  auth: "signed in",
  query: listQuery,
  responses: { 200: "{ webhooks, nextCursor }" },
});
webhookRoutes.get("/", async (c) => {
  const principal = requirePrincipal(c);
  const { limit, cursor, roomId } = readQuery(c, listQuery);
  const db = database(c.env);
  // Non-admins: the webhooks of rooms where they are an owner.
  const owned = principal.isAdmin
    ? undefined
    : inArray(
        webhooks.roomId,
        db.select({ id: roomMembers.roomId }).from(roomMembers).where(and(eq(roomMembers.userId, principal.user?.id ?? ""), eq(roomMembers.role, "owner"))),
      );
  const rows = await db
    .select()
    .from(webhooks)
    .where(and(owned, roomId ? eq(webhooks.roomId, roomId) : undefined, olderThan(webhooks, readCursor(cursor))))
    .orderBy(desc(webhooks.createdAt), desc(webhooks.id))
    .limit(limit + 1);
  const { page, nextCursor } = pageOf(rows, limit, (row) => row);
  return c.json({ webhooks: page.map(presentWebhook), nextCursor });
});

documentRoute({
  method: "get",
  path: "/api/webhooks/:id",
  summary: "One webhook (never its secret)",
  auth: "its managers (admin, or an owner of its room)",
  responses: { 200: "{ webhook }", 404: "No such webhook, or not yours" },
});
webhookRoutes.get("/:id", async (c) => c.json({ webhook: presentWebhook(await managedWebhook(c)) }));

documentRoute({
  method: "patch",
  path: "/api/webhooks/:id",
  summary: "Change a webhook's url or events, pause it or resume it ({ paused: false } also clears a pause after failures)",
  auth: "its managers",
  body: updateBody,
  responses: { 200: "{ webhook }", 400: "url_refused or bad body", 404: "No such webhook, or not yours" },
});
webhookRoutes.patch("/:id", async (c) => {
  const hook = await managedWebhook(c);
  const body = await readJson(c, updateBody);
  const resumed = body.paused === false && hook.status === "paused";
  const [updated] = await database(c.env)
    .update(webhooks)
    .set({
      ...(body.url !== undefined && { url: allowedUrl(c, body.url) }),
      ...(body.events !== undefined && { events: body.events }),
      ...(body.paused === true && { status: "paused" as const, pausedReason: "Paused by hand." }),
      ...(resumed && { status: "active" as const, pausedReason: null, failingSince: null, leaseUntil: null }),
      updatedAt: Date.now(),
    })
    .where(eq(webhooks.id, hook.id))
    .returning();
  if (resumed) await enqueueJob(c.env, "webhook-dispatch", { webhookId: hook.id });
  return c.json({ webhook: presentWebhook(updated!) });
});

documentRoute({
  method: "delete",
  path: "/api/webhooks/:id",
  summary: "Delete a webhook and its delivery log",
  auth: "its managers",
  responses: { 204: "Deleted", 404: "No such webhook, or not yours" },
});
webhookRoutes.delete("/:id", async (c) => {
  const hook = await managedWebhook(c);
  await database(c.env).delete(webhooks).where(eq(webhooks.id, hook.id));
  return c.body(null, 204);
});

documentRoute({
  method: "get",
  path: "/api/webhooks/:id/deliveries",
  summary: "The webhook's deliveries, newest first: attempts, status, the receiver's last status and error",
  auth: "its managers",
  query: pageQuery,
  responses: { 200: "{ deliveries, nextCursor }", 404: "No such webhook, or not yours" },
});
webhookRoutes.get("/:id/deliveries", async (c) => {
  const hook = await managedWebhook(c);
  const { limit, cursor } = readQuery(c, pageQuery);
  const rows = await database(c.env)
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, hook.id), olderThan(webhookDeliveries, readCursor(cursor))))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit + 1);
  const { page, nextCursor } = pageOf(rows, limit, (row) => row);
  const deliveries = page.map((row) => ({
    id: row.id,
    eventId: eventCursor(row.eventId),
    status: row.status,
    attempts: row.attempts,
    responseStatus: row.responseStatus,
    lastError: row.lastError,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  }));
  return c.json({ deliveries, nextCursor });
});

documentRoute({
  method: "post",
  path: "/api/webhooks/:id/replay",
  summary: "Send again every event after a cursor ({ after: null }: from the oldest kept), as new deliveries with new ids",
  auth: "its managers",
  body: replayBody,
  responses: { 202: "{ webhook }", 400: "Bad cursor", 404: "No such webhook, or not yours", 409: "The webhook is paused" },
});
webhookRoutes.post("/:id/replay", async (c) => {
  const hook = await managedWebhook(c);
  const { after } = await readJson(c, replayBody);
  if (hook.status === "paused") throw new ApiError(409, "webhook_paused", "Resume the webhook first (PATCH { paused: false }).");
  const cursor = readEventCursor(after ?? undefined);
  // A new generation: a dispatcher running now stops at its next step, and replayed deliveries get new ids.
  const [updated] = await database(c.env)
    .update(webhooks)
    .set({ cursor, generation: hook.generation + 1, failingSince: null, updatedAt: Date.now() })
    .where(eq(webhooks.id, hook.id))
    .returning();
  await enqueueJob(c.env, "webhook-dispatch", { webhookId: hook.id });
  return c.json({ webhook: presentWebhook(updated!) }, 202);
});
