// Who wrote and who deleted each part of the document, kept in the room's SQLite beside the
// document and written in the same transaction as the updates it describes (group commit).
//
// Yjs gives every inserted character an id (clientID, clock) that never changes: compaction
// merges updates, not ids. So attribution is two tables of id ranges, untouched by compaction:
//   attr_inserts: [start, end) clocks of one client, inserted by `author`
//   attr_deletes: [clock, clock+len) of one client, deleted by `author`
// A range that continues the last one of the same client and author is extended in place (one
// UPDATE instead of an INSERT), so one person typing adds one row per editing session, not one
// per keystroke. Rooms stored before this have no rows: their content reads as "unknown".
import type * as Y from "yjs";

/** Whose content predates attribution, or came from nowhere we know (a snapshot restored on load). */
export const UNKNOWN_AUTHOR = "unknown";
/**
 * Deletion rows kept per room; past it the oldest go at compaction. Insert rows need no cap of
 * their own: each covers at least one struct the document holds, so the document cap bounds them.
 */
export const MAX_DELETE_ROWS = 10_000;
/**
 * Deleted ranges of one client in one transaction past which they are recorded as the single
 * range spanning them: one frame can delete every other character of a big document, and a
 * row each would be hundreds of thousands of INSERTs in one turn. The span may cover ids
 * deleted earlier by others; where rows overlap, lookups keep the one that starts first.
 */
export const MAX_DELETE_RANGES_PER_UPDATE = 256;

type Range = { client: number; start: number; end: number; author: string };
/** The last stored range of a client, kept to extend it in place. `key` is its primary key. */
type Tail = Range & { key: number; table: "insert" | "delete" };

export type AttributionStats = { insertRows: number; deleteRows: number; attributionBytes: number };

export class AttributionStore {
  /** Ranges applied but not yet written: commit() writes them with the updates they belong to. */
  #staged: Array<{ table: "insert" | "delete"; range: Range; at: number }> = [];
  #insertTails = new Map<number, Tail | null>();
  #deleteTails = new Map<number, Tail | null>();

  constructor(private readonly sql: SqlStorage) {
    // CREATE ... IF NOT EXISTS: rooms stored before attribution gain empty tables on load.
    sql.exec(`CREATE TABLE IF NOT EXISTS attr_inserts (
      client INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, author TEXT NOT NULL, at INTEGER NOT NULL,
      PRIMARY KEY (client, start)) WITHOUT ROWID`);
    sql.exec(`CREATE TABLE IF NOT EXISTS attr_deletes (
      id INTEGER PRIMARY KEY, client INTEGER NOT NULL, clock INTEGER NOT NULL, len INTEGER NOT NULL, author TEXT NOT NULL, at INTEGER NOT NULL)`);
    sql.exec(`CREATE INDEX IF NOT EXISTS attr_deletes_client ON attr_deletes (client, clock)`);
  }

  /** Notes what one applied transaction inserted and deleted, and by whom. Cheap: no SQL here. */
  stage(transaction: Y.Transaction, author: string): void {
    const at = Date.now();
    transaction.afterState.forEach((end, client) => {
      const start = transaction.beforeState.get(client) ?? 0;
      if (end > start) this.#staged.push({ table: "insert", range: { client, start, end, author }, at });
    });
    transaction.deleteSet.clients.forEach((items, client) => {
      if (items.length > MAX_DELETE_RANGES_PER_UPDATE) {
        // Sorted and merged by Yjs before the update event.
        const last = items[items.length - 1]!;
        this.#staged.push({ table: "delete", range: { client, start: items[0]!.clock, end: last.clock + last.len, author }, at });
        return;
      }
      for (const item of items) this.#staged.push({ table: "delete", range: { client, start: item.clock, end: item.clock + item.len, author }, at });
    });
  }

  /**
   * Writes what is staged; called inside the storage transaction that writes the updates. A
   * group of updates that extend the same rows costs one UPDATE per row, not one per update.
   */
  commit(): void {
    const staged = this.#staged;
    this.#staged = [];
    for (const { table, range, at } of staged) {
      if (table === "insert") this.#writeInsert(range, at);
      else this.#writeDelete(range, at);
    }
    for (const tail of this.#extended) this.#flush(tail);
    this.#extended.clear();
  }

  /** Tails extended in memory during this commit, written once at its end. */
  #extended = new Set<Tail>();

  #flush(tail: Tail): void {
    if (tail.table === "insert") this.sql.exec("UPDATE attr_inserts SET end = ? WHERE client = ? AND start = ?", tail.end, tail.client, tail.key);
    else this.sql.exec("UPDATE attr_deletes SET clock = ?, len = ? WHERE id = ?", tail.start, tail.end - tail.start, tail.key);
  }

  #writeInsert(range: Range, at: number): void {
    const tail = this.#insertTail(range.client);
    if (tail && tail.author === range.author && tail.end === range.start) {
      tail.end = range.end;
      this.#extended.add(tail);
      return;
    }
    if (tail && this.#extended.delete(tail)) this.#flush(tail);
    this.sql.exec("INSERT OR REPLACE INTO attr_inserts (client, start, end, author, at) VALUES (?, ?, ?, ?, ?)", range.client, range.start, range.end, range.author, at);
    this.#insertTails.set(range.client, { ...range, key: range.start, table: "insert" });
  }

  #insertTail(client: number): Tail | null {
    if (!this.#insertTails.has(client)) {
      const row = this.sql
        .exec<{ start: number; end: number; author: string }>("SELECT start, end, author FROM attr_inserts WHERE client = ? ORDER BY start DESC LIMIT 1", client)
        .toArray()[0];
      this.#insertTails.set(client, row ? { client, ...row, key: row.start, table: "insert" } : null);
    }
    return this.#insertTails.get(client)!;
  }

  #writeDelete(range: Range, at: number): void {
    const tail = this.#deleteTails.get(range.client) ?? null;
    // Typing forward deletes rightwards, backspace leftwards: either way the runs touch.
    if (tail && tail.author === range.author && (tail.end === range.start || range.end === tail.start)) {
      tail.start = Math.min(tail.start, range.start);
      tail.end = Math.max(tail.end, range.end);
      this.#extended.add(tail);
      return;
    }
    if (tail && this.#extended.delete(tail)) this.#flush(tail);
    const id = this.sql
      .exec<{ id: number }>("INSERT INTO attr_deletes (client, clock, len, author, at) VALUES (?, ?, ?, ?, ?) RETURNING id", range.client, range.start, range.end - range.start, range.author, at)
      .one().id;
    this.#deleteTails.set(range.client, { ...range, key: id, table: "delete" });
  }

  /** At compaction: keep the newest MAX_DELETE_ROWS deletion rows. */
  prune(): void {
    this.sql.exec("DELETE FROM attr_deletes WHERE id <= (SELECT max(id) FROM attr_deletes) - ?", MAX_DELETE_ROWS);
    this.#deleteTails.clear();
  }

  /** Everything recorded, as lookups by Yjs id (for the changes view). */
  read(): AttributionIndex {
    const inserts = this.sql.exec<Range>("SELECT client, start, end, author FROM attr_inserts ORDER BY client, start").toArray();
    const deletes = this.sql
      .exec<Range>("SELECT client, clock AS start, clock + len AS end, author FROM attr_deletes ORDER BY client, clock, id")
      .toArray();
    return new AttributionIndex(inserts, deletes);
  }

  stats(): AttributionStats {
    const i = this.sql.exec<{ n: number; b: number }>("SELECT count(*) AS n, coalesce(sum(length(author) + 24), 0) AS b FROM attr_inserts").one();
    const d = this.sql.exec<{ n: number; b: number }>("SELECT count(*) AS n, coalesce(sum(length(author) + 32), 0) AS b FROM attr_deletes").one();
    return { insertRows: i.n, deleteRows: d.n, attributionBytes: i.b + d.b };
  }
}

/** A piece of a Yjs id range and who it belongs to. */
export type Segment = { start: number; end: number; author: string };

/** Id ranges by client, sorted, for answering "who wrote/deleted clocks [from, to) of client c". */
export class AttributionIndex {
  #inserts: Map<number, Range[]>;
  #deletes: Map<number, Range[]>;

  constructor(inserts: Range[], deletes: Range[]) {
    this.#inserts = byClient(inserts);
    this.#deletes = byClient(deletes);
  }

  insertedBy(clientId: number, from: number, to: number): Segment[] {
    return segments(this.#inserts.get(clientId), from, to);
  }

  deletedBy(clientId: number, from: number, to: number): Segment[] {
    return segments(this.#deletes.get(clientId), from, to);
  }
}

/** Groups ranges (sorted by client, start) by client, made disjoint so lookups can bisect. */
function byClient(ranges: Range[]): Map<number, Range[]> {
  const map = new Map<number, Range[]>();
  for (const range of ranges) {
    const list = map.get(range.client);
    const covered = list ? list[list.length - 1]!.end : -1;
    if (range.end <= covered) continue;
    const disjoint = { ...range, start: Math.max(range.start, covered) };
    if (list) list.push(disjoint);
    else map.set(range.client, [disjoint]);
  }
  return map;
}

/** Splits [from, to) by the sorted ranges covering it; uncovered parts are UNKNOWN_AUTHOR. */
function segments(ranges: Range[] | undefined, from: number, to: number): Segment[] {
  const out: Segment[] = [];
  let at = from;
  const push = (start: number, end: number, author: string) => {
    if (end <= start) return;
    const last = out[out.length - 1];
    if (last && last.author === author && last.end === start) last.end = end;
    else out.push({ start, end, author });
  };
  if (ranges) {
    // First range that could overlap: binary search on end > from.
    let lo = 0;
    let hi = ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ranges[mid]!.end <= from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < ranges.length && at < to; i++) {
      const range = ranges[i]!;
      if (range.start >= to) break;
      if (range.end <= at) continue; // overlapped by an earlier row (a later deletion of the same ids)
      push(at, Math.max(at, range.start), UNKNOWN_AUTHOR);
      const start = Math.max(at, range.start);
      const end = Math.min(to, range.end);
      push(start, end, range.author);
      at = end;
    }
  }
  push(at, to, UNKNOWN_AUTHOR);
  return out;
}
