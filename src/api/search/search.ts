// Runs a parsed search: FTS5 MATCH over search_entries, joined to the rooms the caller may see
// (visibleRoomsFor, the access policy's own SQL, checked at query time, so a removed member or
// a room made private stops matching at once), ranked by bm25 with recency as the tiebreak,
// among at most CANDIDATE_CAP matches (the newest) so a very common word stays cheap.
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
/**
 * At most this many matches (the most recently indexed the caller may see) are ranked: past it,
 * a very common word costs no more (bench/search.mjs; README "Search at scale"). Above MAX_OFFSET
 * in search-routes.ts, so every page a cursor can reach is inside it.
 */
export const CANDIDATE_CAP = 2_000;
/** Tokens either side of a match in a snippet. */
const SNIPPET_TOKENS = 12;

function urlOf(row: Row): string {
  if (row.type === "file") return `/api/files/${row.fileId ?? row.itemId}`;
  const room = `/#/rooms/${row.roomId}`;
  if (row.type === "document") return `${room}?block=${row.position ?? 0}`;
  if (row.type === "comment") return `${room}?thread=${row.itemId}`;
  // A message's position (its seq) lets the chat page back to it without searching by id.
  return `${room}?message=${row.itemId}${row.position === null ? "" : `&seq=${row.position}`}`;
}

export async function runSearch(env: Env, actor: Actor, request: SearchRequest): Promise<{ results: SearchResult[]; more: boolean }> {
  const match = toMatchExpression(parseQuery(request.q));
  const conditions: SQL[] = [sql`search_fts MATCH ${match}`];
  // The access policy's own predicate, evaluated once per query into a set of room ids (not
  // once per matching row, which was most of the cost for common words).
  const mayView = visibleRoomsFor(actor);
  if (mayView) conditions.push(sql`e.room_id IN visible`);
  if (request.type) conditions.push(sql`e.type = ${request.type}`);
  if (request.roomId) conditions.push(sql`e.room_id = ${request.roomId}`);
  // Three steps in one statement: `hits` walks the matches newest first (FTS5 reads its index
  // in rowid order, descending, and stops at the cap) keeping those the caller may see, with
  // their bm25; `page` ranks them and cuts the page; snippets are made for the page's rows only
  // (a second MATCH, restricted to one rowid each). A word that matches more than
  // CANDIDATE_CAP visible entries is ranked among its CANDIDATE_CAP most recently indexed ones.
  const query = sql`
    WITH ${mayView ? sql`visible AS MATERIALIZED (SELECT rooms.id FROM rooms WHERE ${mayView}),` : sql``}
    hits AS MATERIALIZED (
      SELECT search_fts.rowid AS id, bm25(search_fts, ${TITLE_WEIGHT}, ${BODY_WEIGHT}) AS rank, e.at AS at
      FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid
      WHERE ${sql.join(conditions, sql` AND `)}
      ORDER BY search_fts.rowid DESC
      LIMIT ${CANDIDATE_CAP}
    ),
    page AS MATERIALIZED (SELECT id, rank, at FROM hits ORDER BY rank, at DESC, id DESC LIMIT ${request.limit + 1} OFFSET ${request.offset})
    SELECT e.type AS type, e.room_id AS roomId, rooms.name AS roomName, e.item_id AS itemId,
           e.position AS position, e.file_id AS fileId, e.at AS at,
           snippet(search_fts, -1, ${HIGHLIGHT_OPEN}, ${HIGHLIGHT_CLOSE}, '…', ${SNIPPET_TOKENS}) AS marked,
           page.rank AS rank
    FROM page
    CROSS JOIN search_fts ON search_fts.rowid = page.id
    CROSS JOIN search_entries e ON e.id = page.id
    CROSS JOIN rooms ON rooms.id = e.room_id
    WHERE search_fts MATCH ${match}
    ORDER BY page.rank, page.at DESC, page.id DESC`;
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
