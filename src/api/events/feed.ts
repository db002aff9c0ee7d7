// Reading the event log in order from a cursor: shared by the events API and the webhook
// dispatcher. The cursor is the last event's global id, opaque to clients (base64url JSON).
import { and, asc, eq, gt, inArray, like, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import { type EventRow, events } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { database } from "../../core/db.ts";
import { decodeCursor, encodeCursor } from "../validation.ts";

/** `type` or `family.*` (message.* matches message.created, .edited, .deleted). */
export const eventTypePattern = z.string().regex(/^[a-z][a-z_]*(\.([a-z][a-z_]*|\*))?$/, 'an event type ("room.created") or family ("room.*")');

const cursorShape = z.object({ e: z.number().int().nonnegative() });

export function eventCursor(id: number): string {
  return encodeCursor({ e: id });
}

/** The event id a cursor stands for; 0 (from the start) when there is none. */
export function readEventCursor(cursor: string | undefined): number {
  return decodeCursor(cursor, cursorShape)?.e ?? 0;
}

function typeFilter(types: string[]): SQL | undefined {
  if (types.length === 0) return undefined;
  const exact = types.filter((t) => !t.endsWith(".*"));
  const families = types.filter((t) => t.endsWith(".*")).map((t) => like(events.type, `${t.slice(0, -1)}%`));
  return or(...(exact.length ? [inArray(events.type, exact)] : []), ...families);
}

export function matchesTypes(type: string, types: string[]): boolean {
  return types.length === 0 || types.some((t) => (t.endsWith(".*") ? type.startsWith(t.slice(0, -1)) : t === type));
}

/** Up to `limit` events after `afterId`, oldest first; `roomId` undefined: every room's and none. */
export async function eventsAfter(
  env: Env,
  options: { afterId: number; limit: number; roomId?: string; types?: string[] },
): Promise<EventRow[]> {
  return database(env)
    .select()
    .from(events)
    .where(
      and(
        gt(events.id, options.afterId),
        options.roomId === undefined ? undefined : eq(events.roomId, options.roomId),
        typeFilter(options.types ?? []),
      ),
    )
    .orderBy(asc(events.id))
    .limit(options.limit);
}

/** An event as the API and webhooks send it; `id` is also the cursor for what came after. */
export function presentEvent(row: EventRow) {
  return {
    id: eventCursor(row.id),
    roomId: row.roomId,
    seq: row.seq,
    type: row.type,
    actor: row.actor,
    data: row.data,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
export type PresentedEvent = ReturnType<typeof presentEvent>;
