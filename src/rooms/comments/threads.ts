// The room's comment threads: what the Room object's RPC methods do with them. The Worker has
// already checked the caller's rights in the room (src/core/access.ts: canView to read,
// canComment to write); what only the room knows is checked here: who wrote a comment, which
// thread it belongs to, where a quote is, and the per-room bounds. Refusals are values, not
// exceptions, across RPC. Every change is announced to the room's sockets (`announce`).
import * as Y from "yjs";
import { RateLimiter } from "../../core/token-bucket.ts";
import { toBase64 } from "../../shared/base64.ts";
import type { Comment, Thread, ThreadStatus } from "../../shared/comments.ts";
import { type Anchor, anchorAtQuote, anchorFromPositions, AnchorResolver, type ResolvedAnchor } from "./anchor.ts";
import { type CommentRow, CommentStore, type ThreadRow } from "./store.ts";

/** Who is writing: the Worker passes the caller's id, current name, and whether they manage the room. */
export type CommentActor = { id: string | null; name: string; canManage: boolean };

/** Where a new thread goes: a quote a script found in the text, or the editor's selection as relative positions. */
export type AnchorRequest = { quote: string; occurrence?: number } | { start: Uint8Array; end: Uint8Array };

export type CommentRefusal = "thread_not_found" | "comment_not_found" | "not_author" | "anchor_not_found" | "limit_reached" | "rate_limited";
export type CommentResult<T> = { ok: true; value: T } | { ok: false; refusal: CommentRefusal; retryAfterMs?: number };

/** Comment writes per person in one room: as the chat budget (src/presence/rate-limit.ts). */
const WRITE_BURST = 10;
const WRITES_PER_SECOND = 2;

export type CommentLimits = { threadsPerRoom: number; commentsPerThread: number; bytesPerRoom: number };

/** What the room's sockets are told: the thread as it is now, or that it is gone. */
export type ThreadChange = { thread: Thread } | { deletedThreadId: string };

/** Quotes of open threads are refreshed this long after the last edit, for orphaned threads to show. */
const QUOTE_REFRESH_MS = 2000;

const iso = (ms: number) => new Date(ms).toISOString();
const refused = (refusal: CommentRefusal): { ok: false; refusal: CommentRefusal } => ({ ok: false, refusal });

function present(row: ThreadRow, anchor: ResolvedAnchor, comments: CommentRow[]): Thread {
  return {
    id: row.id,
    anchor: {
      quote: anchor.orphaned ? row.last_quote : anchor.quote,
      orphaned: anchor.orphaned,
      start: toBase64(new Uint8Array(row.anchor_start)),
      end: toBase64(new Uint8Array(row.anchor_end)),
    },
    resolved: row.resolved === 1,
    createdAt: iso(row.created_at),
    comments: comments.map(
      (c): Comment => ({
        id: c.id,
        author: { id: c.author_id, name: c.author_name },
        body: c.body,
        createdAt: iso(c.created_at),
        editedAt: c.edited_at === null ? null : iso(c.edited_at),
      }),
    ),
  };
}

const anchorOf = (row: ThreadRow): Anchor => ({ start: new Uint8Array(row.anchor_start), end: new Uint8Array(row.anchor_end) });

export class CommentThreads {
  readonly #store: CommentStore;
  #refreshTimer: ReturnType<typeof setTimeout> | null = null;
  /** Each comment can notify up to 20 people and lands in search: writes are budgeted per author. */
  readonly #writes = new RateLimiter(WRITE_BURST, WRITES_PER_SECOND);
  /** Kept so an edit in a room without threads costs nothing here. */
  #hasThreads: boolean;

  constructor(
    storage: DurableObjectStorage,
    private readonly doc: Y.Doc,
    private readonly limits: CommentLimits,
    private readonly announce: (change: ThreadChange) => void,
  ) {
    this.#store = new CommentStore(storage);
    this.#hasThreads = this.#store.counts().threads > 0;
  }

  /** Threads in document order (orphaned ones last, oldest first). */
  list(status: ThreadStatus): Thread[] {
    const resolver = new AnchorResolver(this.doc);
    const comments = new Map<string, CommentRow[]>();
    for (const c of this.#store.comments()) {
      const ofThread = comments.get(c.thread_id);
      if (ofThread) ofThread.push(c);
      else comments.set(c.thread_id, [c]);
    }
    const threads = this.#store
      .threads()
      .filter((row) => status === "all" || (status === "resolved") === (row.resolved === 1))
      .map((row) => ({ row, anchor: this.#heal(resolver, row) ?? this.#resolveAndRemember(resolver, row) }));
    const order = (t: (typeof threads)[number]) => (t.anchor.orphaned ? Number.MAX_SAFE_INTEGER : t.anchor.position);
    threads.sort((a, b) => order(a) - order(b) || a.row.created_at - b.row.created_at);
    return threads.map(({ row, anchor }) => present(row, anchor, comments.get(row.id) ?? []));
  }

  create(actor: CommentActor, body: string, request: AnchorRequest): CommentResult<Thread> {
    const limited = this.#overBudget(actor);
    if (limited) return limited;
    if (this.#store.counts().threads >= this.limits.threadsPerRoom || this.#overBytes(body)) return refused("limit_reached");
    const anchor = "quote" in request ? anchorAtQuote(this.doc, request.quote, request.occurrence) : anchorFromPositions(this.doc, request.start, request.end);
    if (!anchor) return refused("anchor_not_found");
    const now = Date.now();
    const quote = new AnchorResolver(this.doc).resolve(anchor).quote;
    const row: ThreadRow = { id: crypto.randomUUID(), anchor_start: anchor.start.slice().buffer, anchor_end: anchor.end.slice().buffer, last_quote: quote, resolved: 0, created_at: now };
    this.#store.insertThread(row, this.#newComment(row.id, actor, body, now));
    this.#hasThreads = true;
    return this.#changed(row.id);
  }

  reply(actor: CommentActor, threadId: string, body: string): CommentResult<Thread> {
    const limited = this.#overBudget(actor);
    if (limited) return limited;
    if (!this.#store.thread(threadId)) return refused("thread_not_found");
    if (this.#store.counts(threadId).comments >= this.limits.commentsPerThread || this.#overBytes(body)) return refused("limit_reached");
    this.#store.insertComment(this.#newComment(threadId, actor, body, Date.now()));
    return this.#changed(threadId);
  }

  setResolved(threadId: string, resolved: boolean): CommentResult<Thread> {
    if (!this.#store.thread(threadId)) return refused("thread_not_found");
    this.#store.setResolved(threadId, resolved);
    return this.#changed(threadId);
  }

  /** Only the author rewrites their words; managers may delete them, not put others' in their mouth. */
  edit(actor: CommentActor, threadId: string, commentId: string, body: string): CommentResult<Thread> {
    const limited = this.#overBudget(actor);
    if (limited) return limited;
    const found = this.#find(threadId, commentId);
    if (!found.ok) return found;
    if (found.value.author_id !== actor.id) return refused("not_author");
    if (this.#overBytes(body)) return refused("limit_reached");
    this.#store.editComment(commentId, body, Date.now());
    return this.#changed(threadId);
  }

  /** The author or a manager; deleting a thread's first comment deletes the thread. */
  delete(actor: CommentActor, threadId: string, commentId: string): CommentResult<{ threadDeleted: boolean; thread: Thread | null }> {
    const found = this.#find(threadId, commentId);
    if (!found.ok) return found;
    if (found.value.author_id !== actor.id && !actor.canManage) return refused("not_author");
    const first = this.#store.comments(threadId)[0];
    if (first?.id === commentId) {
      this.#store.deleteThread(threadId);
      this.announce({ deletedThreadId: threadId });
      return { ok: true, value: { threadDeleted: true, thread: null } };
    }
    this.#store.deleteComment(commentId);
    const changed = this.#changed(threadId);
    return { ok: true, value: { threadDeleted: false, thread: changed.ok ? changed.value : null } };
  }

  /** After document edits: refresh the remembered quotes soon, once, so an orphaned thread shows its last text. */
  noteEdit(): void {
    if (!this.#hasThreads) return;
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = null;
      this.rememberQuotes();
    }, QUOTE_REFRESH_MS);
  }

  /** Stores the text under every live anchor (before a restore, which may orphan some), and heals orphans whose text is back. */
  rememberQuotes(): void {
    const resolver = new AnchorResolver(this.doc);
    for (const row of this.#store.threads()) if (!this.#heal(resolver, row)) this.#resolveAndRemember(resolver, row);
  }

  /** An orphaned thread whose text is back in place (an undo): anchored there again and announced. */
  #heal(resolver: AnchorResolver, row: ThreadRow): ResolvedAnchor | null {
    const current = resolver.resolve(anchorOf(row));
    if (!current.orphaned) return null;
    const anchor = resolver.reappeared(anchorOf(row), row.last_quote);
    if (!anchor) return null;
    this.#store.moveAnchor(row.id, anchor.start, anchor.end);
    row.anchor_start = anchor.start.slice().buffer;
    row.anchor_end = anchor.end.slice().buffer;
    this.#changed(row.id);
    return resolver.resolve(anchor);
  }

  /**
   * After a restore: an orphaned thread whose last text is in the document again is anchored
   * there, and announced. The text is new Yjs content, so the old positions cannot find it.
   */
  reanchorOrphans(): void {
    const resolver = new AnchorResolver(this.doc);
    for (const row of this.#store.threads()) {
      if (!resolver.resolve(anchorOf(row)).orphaned) continue;
      const anchor = resolver.anchorAtQuote(row.last_quote);
      if (!anchor) continue;
      this.#store.moveAnchor(row.id, anchor.start, anchor.end);
      this.#changed(row.id);
    }
  }

  #resolveAndRemember(resolver: AnchorResolver, row: ThreadRow): ResolvedAnchor {
    const anchor = resolver.resolve(anchorOf(row));
    if (!anchor.orphaned && anchor.quote !== row.last_quote) {
      this.#store.setLastQuote(row.id, anchor.quote);
      row.last_quote = anchor.quote;
    }
    return anchor;
  }

  /** The system (admin token) is not budgeted, as in chat. */
  #overBudget(actor: CommentActor): { ok: false; refusal: "rate_limited"; retryAfterMs: number } | null {
    const wait = actor.id === null ? 0 : this.#writes.take(actor.id);
    return wait > 0 ? { ok: false, refusal: "rate_limited", retryAfterMs: wait } : null;
  }

  #overBytes(body: string): boolean {
    return this.#store.bodyBytes() + new TextEncoder().encode(body).byteLength > this.limits.bytesPerRoom;
  }

  #find(threadId: string, commentId: string): CommentResult<CommentRow> {
    if (!this.#store.thread(threadId)) return refused("thread_not_found");
    const comment = this.#store.comment(threadId, commentId);
    return comment ? { ok: true, value: comment } : refused("comment_not_found");
  }

  #newComment(threadId: string, actor: CommentActor, body: string, at: number): CommentRow {
    return { id: crypto.randomUUID(), thread_id: threadId, author_id: actor.id, author_name: actor.name, body, created_at: at, edited_at: null };
  }

  /** The thread as it is now, announced to the room. */
  #changed(threadId: string): CommentResult<Thread> {
    const row = this.#store.thread(threadId)!;
    const thread = present(row, this.#resolveAndRemember(new AnchorResolver(this.doc), row), this.#store.comments(threadId));
    this.announce({ thread });
    return { ok: true, value: thread };
  }
}
