// Runs a parsed search: FTS5 MATCH over search_entries, joined to the rooms the caller may see
// (visibleRoomsFor, the access policy's own SQL, checked at query time, so a removed member or
// a room made private stops matching at once), ranked by bm25 with recency as the tiebreak.
import { type SQL, sql } from "drizzle-orm";
import type { Env } from "../../env.ts";
import type { Actor } from "../../core/access.ts";
import { visibleRoomsFor } from "../../core/access.ts";
import { database } from "../../core/db.ts";
import type { SearchResult, SearchResultType } from "../../shared/api-types.ts";
import { badQuery, parseQuery, toMatchExpression } from "./query.ts";
import { HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, readSnippet } from "./snippet.ts";

export type SearchRequest = { q: string; type?: SearchResultType; roomId?: string; limit: number; offset: number };

type Row = { type: SearchResultType; roomId: string; roomName: string; itemId: string; position: number | null; fileId: string | null; at: number; marked: string; rank: number };

/** Weights for bm25 per column (title, body): a word in a heading path or file name counts more. */
const TITLE_WEIGHT = 2;
const BODY_WEIGHT = 1;
/** Tokens either side of a match in a snippet. */
const SNIPPET_TOKENS = 12;

function urlOf(row: Row): string {
  if (row.type === "file") return `/api/files/${row.fileId ?? row.itemId}`;
  const room = `/#/rooms/${row.roomId}`;
  if (row.type === "document") return `${room}?block=${row.position ?? 0}`;
  // A message's position (its seq) lets the chat page back to it without searching by id.
  return `${room}?message=${row.itemId}${row.position === null ? "" : `&seq=${row.position}`}`;
}

export async function runSearch(env: Env, actor: Actor, request: SearchRequest): Promise<{ results: SearchResult[]; more: boolean }> {
  const match = toMatchExpression(parseQuery(request.q));
  const conditions: SQL[] = [sql`search_fts MATCH ${match}`];
  const mayView = visibleRoomsFor(actor);
  if (mayView) conditions.push(mayView);
  if (request.type) conditions.push(sql`e.type = ${request.type}`);
  if (request.roomId) conditions.push(sql`e.room_id = ${request.roomId}`);
  // One pass. Tried: ranking in a CTE and computing snippets only for the page's rows;
  // bench/search.mjs measured it slower for common words and prefixes (the MATCH runs twice).
  const query = sql`
    SELECT e.type AS type, e.room_id AS roomId, rooms.name AS roomName, e.item_id AS itemId,
           e.position AS position, e.file_id AS fileId, e.at AS at,
           snippet(search_fts, -1, ${HIGHLIGHT_OPEN}, ${HIGHLIGHT_CLOSE}, '…', ${SNIPPET_TOKENS}) AS marked,
           bm25(search_fts, ${TITLE_WEIGHT}, ${BODY_WEIGHT}) AS rank
    FROM search_fts
    JOIN search_entries e ON e.id = search_fts.rowid
    JOIN rooms ON rooms.id = e.room_id
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY rank, e.at DESC, e.id DESC
    LIMIT ${request.limit + 1} OFFSET ${request.offset}`;
  let rows: Row[];
  try {
    rows = await database(env).all<Row>(query);
  } catch (error) {
    // Every term is quoted, so this should not happen; if FTS5 still refuses, say so as a 400.
    if (/fts5|MATCH/i.test(String((error as { cause?: unknown })?.cause ?? "") + String(error))) {
      console.warn("search: FTS5 refused a parsed query", match, error);
      throw badQuery("This search could not be run; try fewer or simpler words.");
    }
    throw error;
  }
  const results = rows.slice(0, request.limit).map((row): SearchResult => ({
    type: row.type,
    roomId: row.roomId,
    roomName: row.roomName,
    id: row.itemId,
    ...readSnippet(row.marked ?? ""),
    // bm25 is lower for better matches; the API's score is higher for better.
    score: Math.round(-row.rank * 1000) / 1000,
    at: new Date(row.at).toISOString(),
    url: urlOf(row),
    ...(row.type === "document" && { position: row.position ?? 0 }),
    ...(row.type === "message" && row.position !== null && { seq: row.position }),
  }));
  return { results, more: rows.length > request.limit };
}
