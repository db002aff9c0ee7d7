// New events wake the webhooks that may want them: one dispatch job per active webhook of the
// events' rooms (and every global webhook). The dispatcher (src/api/webhooks/dispatch.ts) holds a
// lease per webhook, so extra wake-ups cost one query each and never send anything twice.
import { and, eq, inArray, isNull, or } from "drizzle-orm";
import { webhooks } from "../db/schema.ts";
import type { Env } from "../env.ts";
import { database } from "./db.ts";
import { enqueueJob } from "./jobs.ts";

export async function wakeWebhooks(env: Env, roomIds: (string | null)[]): Promise<void> {
  const rooms = [...new Set(roomIds.filter((id): id is string => id !== null))];
  const hooks = await database(env)
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.status, "active"), rooms.length ? or(isNull(webhooks.roomId), inArray(webhooks.roomId, rooms)) : isNull(webhooks.roomId)));
  for (const hook of hooks) await enqueueJob(env, "webhook-dispatch", { webhookId: hook.id });
}
