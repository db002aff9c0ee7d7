// Keyset pagination over (created_at, id), shared by every list route: stable under
// inserts, no OFFSET scans, and an opaque cursor the client passes back unchanged.
import { and, eq, gt, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "./validation.ts";

const keyset = z.object({ createdAt: z.number(), id: z.string() });
type Keyset = z.infer<typeof keyset>;
type KeyedTable = { createdAt: SQLiteColumn; id: SQLiteColumn };

export function readCursor(cursor: string | undefined): Keyset | undefined {
  return decodeCursor(cursor, keyset);
}

/** Rows after the cursor when listing newest first. */
export function olderThan(table: KeyedTable, after: Keyset | undefined): SQL | undefined {
  if (!after) return undefined;
  return or(lt(table.createdAt, after.createdAt), and(eq(table.createdAt, after.createdAt), lt(table.id, after.id)));
}

/** Rows after the cursor when listing oldest first. */
export function newerThan(table: KeyedTable, after: Keyset | undefined): SQL | undefined {
  if (!after) return undefined;
  return or(gt(table.createdAt, after.createdAt), and(eq(table.createdAt, after.createdAt), gt(table.id, after.id)));
}

/** Splits `limit + 1` fetched rows into the page and the cursor for the next one. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => Keyset): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  if (rows.length <= limit || last === undefined) return { page, nextCursor: null };
  const { createdAt, id } = keyOf(last);
  return { page, nextCursor: encodeCursor({ createdAt, id }) };
}
