// Disconnects are published only after a grace period, so a reload or a flaky network does
// not flicker a user offline and back. The wait is a row plus a DO alarm, never a timer:
// a pending setTimeout would keep the object from hibernating (PLATFORM.md, DO lifecycle).
import type { RosterEntry } from "./roster.ts";

export const LEAVE_GRACE_MS = 5_000;

export class PendingLeaves {
  constructor(private readonly storage: DurableObjectStorage) {}

  /** Holds a user's last roster entry until `deadline`; the caller schedules the alarm. */
  hold(entry: RosterEntry, deadline: number): void {
    this.storage.sql.exec(
      `INSERT OR REPLACE INTO pending_leaves (user_id, deadline, entry) VALUES (?, ?, ?)`,
      entry.id, deadline, JSON.stringify(entry),
    );
  }

  /** A reconnect inside the grace period: returns true if the user was pending. */
  cancel(userId: string): boolean {
    return this.storage.sql.exec(`DELETE FROM pending_leaves WHERE user_id = ? RETURNING user_id`, userId).toArray().length > 0;
  }

  /** Removes and returns the users whose grace period is over. */
  takeDue(now: number): RosterEntry[] {
    return this.storage.sql
      .exec<{ entry: string }>(`DELETE FROM pending_leaves WHERE deadline <= ? RETURNING entry`, now)
      .toArray()
      .map((row) => JSON.parse(row.entry) as RosterEntry);
  }

  all(): RosterEntry[] {
    return this.storage.sql
      .exec<{ entry: string }>(`SELECT entry FROM pending_leaves`)
      .toArray()
      .map((row) => JSON.parse(row.entry) as RosterEntry);
  }

  nextDeadline(): number | null {
    return this.storage.sql.exec<{ d: number | null }>(`SELECT min(deadline) AS d FROM pending_leaves`).one().d;
  }
}
