// What each user has read of each chat channel: the last seq they saw, in the presence object's
// SQLite beside the messages, so unread counts are one indexed count per channel, right across a
// user's tabs and devices. A user's own messages never count as unread.
import type { Channel } from "../shared/chat-protocol.ts";

/** Counts stop here: a badge shows "99+" past it, and no count scans a whole history. */
export const UNREAD_CAP = 100;

export type UnreadQuery = { channel: Channel; /** No read mark yet: a member counts everything, others nothing. */ member: boolean };

export class ChatReads {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS chat_reads (
      user_id TEXT NOT NULL, channel TEXT NOT NULL, seq INTEGER NOT NULL,
      PRIMARY KEY (user_id, channel)) WITHOUT ROWID`);
  }

  /** Marks `channel` read up to `seq` (never backwards); returns the mark now stored. */
  markRead(userId: string, channel: Channel, seq: number): number {
    return this.sql
      .exec<{ seq: number }>(
        `INSERT INTO chat_reads (user_id, channel, seq) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id, channel) DO UPDATE SET seq = max(seq, ?3) RETURNING seq`,
        userId,
        channel,
        seq,
      )
      .one().seq;
  }

  unread(userId: string, queries: UnreadQuery[]): Record<Channel, number> {
    const counts: Record<Channel, number> = {};
    for (const { channel, member } of queries) {
      const mark = this.sql.exec<{ seq: number }>(`SELECT seq FROM chat_reads WHERE user_id = ? AND channel = ?`, userId, channel).toArray()[0];
      if (!mark && !member) {
        counts[channel] = 0;
        continue;
      }
      counts[channel] = this.sql
        .exec<{ n: number }>(
          `SELECT count(*) AS n FROM (SELECT 1 FROM messages WHERE channel = ? AND seq > ? AND (user_id IS NULL OR user_id <> ?) LIMIT ?)`,
          channel,
          mark?.seq ?? 0,
          userId,
          UNREAD_CAP,
        )
        .one().n;
    }
    return counts;
  }

  forgetChannel(channel: Channel): void {
    this.sql.exec(`DELETE FROM chat_reads WHERE channel = ?`, channel);
  }

  forgetUser(userId: string): void {
    this.sql.exec(`DELETE FROM chat_reads WHERE user_id = ?`, userId);
  }
}
