// The "notify" job: writes a notification to each recipient's inbox, tells their tabs, and
// schedules their digest email. Recipients are checked here, when the job runs: a mention or
// reply reaches only people who may view the room (anyone else's stays plain text, and nothing
// tells the author whether that person exists); nobody is notified of their own act.
import { inArray } from "drizzle-orm";
import { z } from "zod";
import { notifications, type JobRow, users } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { accessFor, actorFor, loadRoom, memberRole } from "../../core/access.ts";
import { database } from "../../core/db.ts";
import { MAX_MENTIONS } from "../../shared/mentions.ts";
import { presenceStub } from "../../presence/stub.ts";
import { scheduleDigest } from "./digest.ts";
import { unreadCount } from "./store.ts";

const payload = z.object({
  kind: z.enum(["mention", "reply", "invitation", "access_changed"]),
  roomId: z.string().nullable(),
  actorId: z.string().nullable(),
  // Mentions are capped per message; thread participants per thread: this bounds any one job.
  userIds: z.array(z.string()).max(Math.max(MAX_MENTIONS, 200)),
  excerpt: z.string(),
  url: z.string(),
  sourceId: z.string(),
});

export async function deliverNotifications(env: Env, job: JobRow): Promise<void> {
  const request = payload.parse(job.payload);
  const room = request.roomId ? await loadRoom(env, request.roomId) : null;
  if (request.roomId && !room) return; // deleted since: its notifications would go with it anyway
  const candidates = [...new Set(request.userIds)].filter((id) => id !== request.actorId);
  if (candidates.length === 0) return;
  const db = database(env);
  const people = await db.select().from(users).where(inArray(users.id, candidates));

  const recipients = [];
  for (const person of people) {
    // An invitation or an access change concerns someone who may not (or no longer) see the room.
    const mustView = request.kind === "mention" || request.kind === "reply";
    if (mustView && room && !accessFor(room, await memberRole(env, room.id, person.id), actorFor(person)).canView) continue;
    recipients.push(person);
  }
  if (recipients.length === 0) return;

  const viewing = new Set(room ? await presenceStub(env).viewersOf(room.id) : []);
  const now = Date.now();
  const rows = recipients.map((person) => ({
    id: crypto.randomUUID(),
    userId: person.id,
    kind: request.kind,
    roomId: request.roomId,
    actorId: request.actorId,
    excerpt: request.excerpt,
    url: request.url,
    dedupeKey: `${request.kind}:${request.sourceId}:${person.id}`,
    createdAt: now,
    // Looking at the room right now: they see it happen, so it is never emailed.
    seenAt: room && viewing.has(person.id) ? now : null,
  }));
  const inserted = await db.insert(notifications).values(rows).onConflictDoNothing().returning({ userId: notifications.userId, seenAt: notifications.seenAt });
  for (const row of inserted) {
    await presenceStub(env).pushInbox(row.userId, await unreadCount(env, row.userId));
    if (row.seenAt === null) await scheduleDigest(env, row.userId);
  }
}
