// Event retention (EVENT_RETENTION_DAYS), run by the Cron Trigger: events older than that are
// deleted, except each room's newest, which keeps the room's `seq` counting on (events.ts takes
// MAX(seq) + 1) until it has a newer one. Deleted rooms keep nothing old.
import type { Env } from "../../env.ts";
import { config } from "../../core/config.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows per DELETE: each statement stays short, so writers are never held up for long. */
const CHUNK = 1000;

export async function pruneEvents(env: Env, now = Date.now()): Promise<number> {
  const cutoff = now - config(env).EVENT_RETENTION_DAYS * DAY_MS;
  let pruned = 0;
  for (;;) {
    const result = await env.DB.prepare(
      `DELETE FROM events WHERE id IN (
         SELECT id FROM events
         WHERE created_at < ?1
           AND (id NOT IN (SELECT MAX(id) FROM events GROUP BY room_id)
                OR (room_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rooms WHERE rooms.id = events.room_id)))
         LIMIT ?2)`,
    )
      .bind(cutoff, CHUNK)
      .run();
    pruned += result.meta.changes;
    if (result.meta.changes < CHUNK) return pruned;
  }
}
