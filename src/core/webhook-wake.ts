// New events wake the webhooks that may want them: one dispatch job per active webhook of the
// events' rooms (and every global webhook). Skipped: a webhook being dispatched now (its
// dispatcher looks for new events after letting go) and one that is failing (its job's retries,
// with their backoff, and the hourly cron try again: a burst of events must not turn into a burst
// of attempts against a receiver that is down). See src/api/webhooks/dispatch.ts.
import { and, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { webhooks } from "../db/schema.ts";
import type { Env } from "../env.ts";
import { database } from "./db.ts";
import { enqueueJob } from "./jobs.ts";

export async function wakeWebhooks(env: Env, roomIds: (string | null)[]): Promise<void> {
  const rooms = [...new Set(roomIds.filter((id): id is string => id !== null))];
  const hooks = await database(env)
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(
      and(
        eq(webhooks.status, "active"),
        isNull(webhooks.failingSince),
        or(isNull(webhooks.leaseUntil), lt(webhooks.leaseUntil, Date.now())),
        rooms.length ? or(isNull(webhooks.roomId), inArray(webhooks.roomId, rooms)) : isNull(webhooks.roomId),
      ),
    );
  for (const hook of hooks) await enqueueJob(env, "webhook-dispatch", { webhookId: hook.id });
}
