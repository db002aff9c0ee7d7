// People as others see them now: the shown names of a set of user ids, in one query. A deleted
// account is simply absent from the map.
import { inArray } from "drizzle-orm";
import { users } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { database } from "../../core/db.ts";
import { shownName } from "../../shared/display-name.ts";

export async function currentNames(env: Env, ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await database(env).select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, unique));
  return new Map(rows.map((row) => [row.id, shownName(row.name)]));
}
