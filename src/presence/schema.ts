// The presence object's own SQLite schema (DO storage, not D1): chat history, users inside
// their disconnect grace period, and which private rooms each connected user may see.
export function migrate(sql: SqlStorage): void {
  // AUTOINCREMENT: a seq is never reused after retention deletes, so `before` cursors stay valid.
  sql.exec(`
    CREATE TABLE IF NOT EXISTS messages (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      channel TEXT NOT NULL,
      user_id TEXT,
      user_name TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      edited_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS messages_channel_seq ON messages (channel, seq);
    CREATE TABLE IF NOT EXISTS pending_leaves (
      user_id TEXT PRIMARY KEY,
      deadline INTEGER NOT NULL,
      entry TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS visible_rooms (
      user_id TEXT NOT NULL,
      room_id TEXT NOT NULL,
      PRIMARY KEY (user_id, room_id)
    ) WITHOUT ROWID;
  `);
}
