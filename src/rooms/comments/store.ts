// Comment threads in the room object's own SQLite, beside the document but not in it: they
// never count against the document's cap, never ride along in its history, and a deleted
// comment is really gone (in the Yjs document it would stay in every snapshot).
//   comment_threads: one row per thread, with its anchor (two Yjs relative positions) and the
//                    last text seen under it (what an orphaned thread shows)
//   comments:        the thread's comments in order; the first one opened the thread

export type ThreadRow = {
  id: string;
  anchor_start: ArrayBuffer;
  anchor_end: ArrayBuffer;
  last_quote: string;
  resolved: number;
  created_at: number;
};

export type CommentRow = {
  id: string;
  thread_id: string;
  /** Null for the system (the bootstrap admin token is no person). */
  author_id: string | null;
  author_name: string;
  body: string;
  created_at: number;
  edited_at: number | null;
};

export class CommentStore {
  constructor(private readonly storage: DurableObjectStorage) {
    storage.sql.exec(`CREATE TABLE IF NOT EXISTS comment_threads (
      id TEXT PRIMARY KEY, anchor_start BLOB NOT NULL, anchor_end BLOB NOT NULL,
      last_quote TEXT NOT NULL, resolved INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL)`);
    storage.sql.exec(`CREATE TABLE IF NOT EXISTS comments (
      id TEXT PRIMARY KEY, thread_id TEXT NOT NULL, author_id TEXT, author_name TEXT NOT NULL,
      body TEXT NOT NULL, created_at INTEGER NOT NULL, edited_at INTEGER)`);
    storage.sql.exec(`CREATE INDEX IF NOT EXISTS comments_thread ON comments (thread_id, created_at)`);
  }

  get #sql() {
    return this.storage.sql;
  }

  threads(): ThreadRow[] {
    return this.#sql.exec<ThreadRow>(`SELECT * FROM comment_threads ORDER BY created_at, id`).toArray();
  }

  thread(id: string): ThreadRow | null {
    return this.#sql.exec<ThreadRow>(`SELECT * FROM comment_threads WHERE id = ?`, id).toArray()[0] ?? null;
  }

  /** Comments of the given threads (all when omitted), oldest first. */
  comments(threadId?: string): CommentRow[] {
    return threadId
      ? this.#sql.exec<CommentRow>(`SELECT * FROM comments WHERE thread_id = ? ORDER BY created_at, rowid`, threadId).toArray()
      : this.#sql.exec<CommentRow>(`SELECT * FROM comments ORDER BY created_at, rowid`).toArray();
  }

  comment(threadId: string, commentId: string): CommentRow | null {
    return this.#sql.exec<CommentRow>(`SELECT * FROM comments WHERE id = ? AND thread_id = ?`, commentId, threadId).toArray()[0] ?? null;
  }

  /** UTF-8 bytes of every comment body in the room. */
  bodyBytes(): number {
    return this.#sql.exec<{ n: number }>(`SELECT coalesce(sum(length(CAST(body AS BLOB))), 0) AS n FROM comments`).one().n;
  }

  counts(threadId?: string): { threads: number; comments: number } {
    const threads = this.#sql.exec<{ n: number }>(`SELECT count(*) AS n FROM comment_threads`).one().n;
    const comments = threadId
      ? this.#sql.exec<{ n: number }>(`SELECT count(*) AS n FROM comments WHERE thread_id = ?`, threadId).one().n
      : this.#sql.exec<{ n: number }>(`SELECT count(*) AS n FROM comments`).one().n;
    return { threads, comments };
  }

  insertThread(thread: ThreadRow, first: CommentRow): void {
    this.storage.transactionSync(() => {
      this.#sql.exec(
        `INSERT INTO comment_threads (id, anchor_start, anchor_end, last_quote, resolved, created_at) VALUES (?, ?, ?, ?, 0, ?)`,
        thread.id,
        thread.anchor_start,
        thread.anchor_end,
        thread.last_quote,
        thread.created_at,
      );
      this.insertComment(first);
    });
  }

  insertComment(comment: CommentRow): void {
    this.#sql.exec(
      `INSERT INTO comments (id, thread_id, author_id, author_name, body, created_at, edited_at) VALUES (?, ?, ?, ?, ?, ?, NULL)`,
      comment.id,
      comment.thread_id,
      comment.author_id,
      comment.author_name,
      comment.body,
      comment.created_at,
    );
  }

  editComment(commentId: string, body: string, at: number): void {
    this.#sql.exec(`UPDATE comments SET body = ?, edited_at = ? WHERE id = ?`, body, at, commentId);
  }

  deleteComment(commentId: string): void {
    this.#sql.exec(`DELETE FROM comments WHERE id = ?`, commentId);
  }

  deleteThread(threadId: string): void {
    this.storage.transactionSync(() => {
      this.#sql.exec(`DELETE FROM comments WHERE thread_id = ?`, threadId);
      this.#sql.exec(`DELETE FROM comment_threads WHERE id = ?`, threadId);
    });
  }

  setResolved(threadId: string, resolved: boolean): void {
    this.#sql.exec(`UPDATE comment_threads SET resolved = ? WHERE id = ?`, resolved ? 1 : 0, threadId);
  }

  setLastQuote(threadId: string, quote: string): void {
    this.#sql.exec(`UPDATE comment_threads SET last_quote = ? WHERE id = ?`, quote, threadId);
  }

  moveAnchor(threadId: string, start: Uint8Array, end: Uint8Array): void {
    this.#sql.exec(`UPDATE comment_threads SET anchor_start = ?, anchor_end = ? WHERE id = ?`, start, end, threadId);
  }
}
