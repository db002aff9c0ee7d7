// One small object per user (named by the user's id): the rooms where that user has opened a
// room socket, so a revocation knows which Room objects to ask to close them. The Worker notes
// a room before each upgrade (src/api/rooms/room-socket-routes.ts). An entry whose room no longer holds
// the user's sockets is harmless, and the next revocation that finds none there prunes it.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";

/**
 * The most recently opened rooms kept per user. Bounded so one user cannot grow the table
 * without end, and so a revocation's fan-out stays within a request's subrequest budget.
 */
export const MAX_REGISTERED_ROOMS = 200;

export class UserSockets extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS rooms (room_id TEXT PRIMARY KEY, noted_at INTEGER NOT NULL) WITHOUT ROWID`);
  }

  note(roomId: string): void {
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec(`INSERT OR REPLACE INTO rooms (room_id, noted_at) VALUES (?, ?)`, roomId, Date.now());
      this.ctx.storage.sql.exec(
        `DELETE FROM rooms WHERE room_id IN (SELECT room_id FROM rooms ORDER BY noted_at DESC LIMIT -1 OFFSET ?)`,
        MAX_REGISTERED_ROOMS,
      );
    });
  }

  rooms(): string[] {
    return this.ctx.storage.sql.exec<{ room_id: string }>(`SELECT room_id FROM rooms`).toArray().map((row) => row.room_id);
  }

  forget(roomIds: string[]): void {
    for (const roomId of roomIds) this.ctx.storage.sql.exec(`DELETE FROM rooms WHERE room_id = ?`, roomId);
  }
}
