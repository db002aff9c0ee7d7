import { drizzle } from "drizzle-orm/d1";
import * as schema from "../db/schema.ts";
import type { Env } from "../env.ts";

export type Database = ReturnType<typeof database>;

export function database(env: Pick<Env, "DB">) {
  return drizzle(env.DB, { schema });
}

/** D1 reports a violated UNIQUE constraint only through the error text. */
export function isUniqueViolation(error: unknown): boolean {
  const text = String((error as { cause?: unknown })?.cause ?? "") + String(error);
  return /UNIQUE constraint failed/i.test(text);
}
