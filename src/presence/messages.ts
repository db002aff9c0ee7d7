// Chat history in the presence object's SQLite: every message is written here before it is
// broadcast, paged back newest-first by `seq`, and trimmed to the newest HISTORY_PER_CHANNEL
// per channel in the same transaction that inserts (no unbounded growth, no second write).
import type { Channel, ChatMessage } from "../shared/chat-protocol.ts";
import { newId } from "../shared/crypto.ts";
import type { ChatChange } from "../core/search-events.ts";

/** Retention: the newest 10,000 messages of each channel; older ones are deleted for good. */
export const HISTORY_PER_CHANNEL = 10_000;

type Row = {
  seq: number;
  id: string;
  channel: string;
  user_id: string | null;
  user_name: string;
  body: string;
  created_at: number;
  edited_at: number | null;
};

const toMessage = (row: Row): ChatMessage => ({
  id: row.id,
  seq: row.seq,
  channel: row.channel,
  userId: row.user_id,
  userName: row.user_name,
  authorKind: row.user_id === null ? "system" : "user",
  body: row.body,
  createdAt: new Date(row.created_at).toISOString(),
  editedAt: row.edited_at === null ? null : new Date(row.edited_at).toISOString(),
});

export type Author = { id: string | null; name: string };
export type Page = { messages: ChatMessage[]; nextBefore: number | null };

export class MessageStore {
  /** Per-channel cap; a field so a test can shrink it instead of writing 10,000 rows. */
  historyLimit = HISTORY_PER_CHANNEL;
  /** Told of every write, edit and delete after it is stored (the search index, src/core/search-events.ts). */
  onChange: (change: ChatChange) => void = () => {};

  constructor(private readonly storage: DurableObjectStorage) {}

  append(channel: Channel, author: Author, body: string, now = Date.now()): ChatMessage {
    const message = this.storage.transactionSync(() => {
      const row = this.storage.sql
        .exec<Row>(
          `INSERT INTO messages (id, channel, user_id, user_name, body, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
          newId(), channel, author.id, author.name, body, now,
        )
        .one();
      this.storage.sql.exec(
        `DELETE FROM messages WHERE channel = ?1 AND seq <= (
           SELECT seq FROM messages WHERE channel = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)`,
        channel, this.historyLimit,
      );
      return toMessage(row);
    });
    this.onChange({ kind: "written", message });
    return message;
  }

  /** Up to `limit` messages older than `before` (default: the newest), oldest first. */
  page(channel: Channel, before: number | undefined, limit: number): Page {
    const rows = this.storage.sql
      .exec<Row>(
        `SELECT * FROM messages WHERE channel = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
        channel, before ?? Number.MAX_SAFE_INTEGER, limit + 1,
      )
      .toArray();
    const shown = rows.slice(0, limit).reverse();
    return { messages: shown.map(toMessage), nextBefore: rows.length > limit ? shown[0]!.seq : null };
  }

  get(id: string): ChatMessage | null {
    const row = this.storage.sql.exec<Row>(`SELECT * FROM messages WHERE id = ?`, id).toArray()[0];
    return row ? toMessage(row) : null;
  }

  edit(id: string, body: string, now = Date.now()): ChatMessage | null {
    const row = this.storage.sql
      .exec<Row>(`UPDATE messages SET body = ?, edited_at = ? WHERE id = ? RETURNING *`, body, now, id)
      .toArray()[0];
    if (row) this.onChange({ kind: "written", message: toMessage(row) });
    return row ? toMessage(row) : null;
  }

  remove(id: string): void {
    const row = this.storage.sql.exec<Row>(`DELETE FROM messages WHERE id = ? RETURNING *`, id).toArray()[0];
    if (row) this.onChange({ kind: "removed", channel: row.channel, id });
  }

  /**
   * Deletes every message `userId` wrote (their account is being deleted) and returns which
   * went. No index on user_id: a scan, on a rare path, rather than a cost on every write.
   */
  removeByUser(userId: string): { channel: Channel; id: string }[] {
    return this.storage.sql.exec<{ channel: Channel; id: string }>(`DELETE FROM messages WHERE user_id = ? RETURNING channel, id`, userId).toArray();
  }

  dropChannel(channel: Channel): void {
    this.storage.sql.exec(`DELETE FROM messages WHERE channel = ?`, channel);
  }

  count(channel: Channel): number {
    return this.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM messages WHERE channel = ?`, channel).one().n;
  }
}
