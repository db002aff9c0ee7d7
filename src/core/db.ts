import { drizzle } from "drizzle-orm/d1";
import * as schema from "../db/schema.ts";
import type { Env } from "../env.ts";

export type Database = ReturnType<typeof database>;

function connect(db: D1Database) {
  return drizzle(db, { schema });
}

/** One drizzle instance per D1 binding: building one walks the whole schema (a cost per request). */
const instances = new WeakMap<D1Database, ReturnType<typeof connect>>();

export function database(env: Pick<Env, "DB">) {
  let instance = instances.get(env.DB);
  if (!instance) instances.set(env.DB, (instance = connect(env.DB)));
  return instance;
}

/** D1 reports a violated UNIQUE constraint only through the error text. */
export function isUniqueViolation(error: unknown): boolean {
  const text = String((error as { cause?: unknown })?.cause ?? "") + String(error);
  return /UNIQUE constraint failed/i.test(text);
}
