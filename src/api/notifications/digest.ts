// Email that knows where you are. A notification for someone not looking at its room waits
// NOTIFY_DELAY_SECONDS; everything that arrives for them meanwhile goes out in one digest (the
// digest_schedule row is the batching window: one per user). Nothing is emailed that was read,
// or whose room the user opened, before the digest ran; nor for muted rooms or past the user's
// `notify` preference. At most DIGEST_ITEMS are listed; the rest are summed up with a link.
import { and, asc, eq, inArray, isNull, lt, notExists } from "drizzle-orm";
import { digestSchedule, type JobRow, notifications, roomMutes, rooms, users } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { config } from "../../core/config.ts";
import { database } from "../../core/db.ts";
import { enqueueJob } from "../../core/jobs.ts";
import { renderMentions } from "../../shared/mentions.ts";
import { shownName } from "../../shared/display-name.ts";
import { presenceStub } from "../../presence/stub.ts";
import { mailSender } from "../mail/sender.ts";
import { unsubscribeToken } from "./unsubscribe-token.ts";
import { mentionNames } from "./store.ts";

export const DIGEST_ITEMS = 50;

/** A window this far past its due time lost its queue message: it is opened again, not waited on forever. */
const STALE_WINDOW_MS = 10 * 60_000;

/** Opens the user's batching window unless one is open: the digest job runs when it closes. */
export async function scheduleDigest(env: Env, userId: string): Promise<void> {
  const delaySeconds = config(env).NOTIFY_DELAY_SECONDS;
  const now = Date.now();
  const dueAt = now + delaySeconds * 1000;
  const opened = await database(env)
    .insert(digestSchedule)
    .values({ userId, dueAt })
    .onConflictDoUpdate({ target: digestSchedule.userId, set: { dueAt }, setWhere: lt(digestSchedule.dueAt, now - STALE_WINDOW_MS) })
    .returning({ userId: digestSchedule.userId });
  if (opened.length > 0) await enqueueJob(env, "notify-digest", { userId }, { delaySeconds });
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

const SAYS: Record<string, string> = {
  mention: "mentioned you in",
  reply: "replied to a thread in",
  invitation: "invited you to",
  access_changed: "changed your access to",
};

export async function sendDigest(env: Env, job: JobRow): Promise<void> {
  const userId = String(job.payload.userId ?? "");
  const db = database(env);
  // Closing the window first: what arrives from now on opens the next one.
  await db.delete(digestSchedule).where(eq(digestSchedule.userId, userId));
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user || user.notify === "none") return;

  // Rooms open in a tab now count as seen.
  const viewing = await presenceStub(env).roomsViewedBy(userId);
  if (viewing.length > 0) {
    await db
      .update(notifications)
      .set({ seenAt: Date.now() })
      .where(and(eq(notifications.userId, userId), inArray(notifications.roomId, viewing), isNull(notifications.seenAt)));
  }
  const muted = db.select().from(roomMutes).where(and(eq(roomMutes.userId, userId), eq(roomMutes.roomId, notifications.roomId)));
  const pending = await db
    .select({ notification: notifications, roomName: rooms.name, actorName: users.name })
    .from(notifications)
    .leftJoin(rooms, eq(rooms.id, notifications.roomId))
    .leftJoin(users, eq(users.id, notifications.actorId))
    .where(
      and(
        eq(notifications.userId, userId),
        isNull(notifications.readAt),
        isNull(notifications.seenAt),
        isNull(notifications.emailedAt),
        notExists(muted),
        user.notify === "mentions" ? eq(notifications.kind, "mention") : undefined,
      ),
    )
    .orderBy(asc(notifications.createdAt));
  if (pending.length === 0) return;

  const base = config(env).PUBLIC_URL.replace(/\/$/, "");
  const names = await mentionNames(env, pending.map((p) => p.notification.excerpt));
  const shown = pending.slice(0, DIGEST_ITEMS).map(({ notification, roomName, actorName }) => {
    const who = actorName ? shownName(actorName) : "Roomful";
    const line = `${who} ${SAYS[notification.kind]} ${roomName ?? "a room"}`;
    return { line, excerpt: renderMentions(notification.excerpt, names), link: `${base}${notification.url}` };
  });
  const more = pending.length - shown.length;
  const unsubscribe = `${base}/api/unsubscribe?token=${await unsubscribeToken(env, userId)}`;
  const subject = pending.length === 1 ? shown[0]!.line : `${pending.length} new notifications on Roomful`;
  const text = [
    `Hi ${shownName(user.name)},`,
    "",
    ...shown.flatMap((item) => [`- ${item.line}: "${item.excerpt}"`, `  ${item.link}`]),
    ...(more > 0 ? [`…and ${more} more: ${base}/#/inbox`] : []),
    "",
    `Stop these emails: ${unsubscribe}`,
  ].join("\n");
  const html = [
    `<p>Hi ${escapeHtml(shownName(user.name))},</p><ul>`,
    ...shown.map((item) => `<li><a href="${escapeHtml(item.link)}">${escapeHtml(item.line)}</a>: “${escapeHtml(item.excerpt)}”</li>`),
    "</ul>",
    ...(more > 0 ? [`<p><a href="${escapeHtml(`${base}/#/inbox`)}">…and ${more} more</a></p>`] : []),
    `<p><a href="${escapeHtml(unsubscribe)}">Stop these emails</a></p>`,
  ].join("");
  // RFC 8058 one-click unsubscribe: mail clients POST to the link.
  const headers = { "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
  await mailSender(env).send({ to: user.email, subject, text, html, headers }, job.id);
  await db
    .update(notifications)
    .set({ emailedAt: Date.now() })
    .where(inArray(notifications.id, pending.map((p) => p.notification.id)));
}
