// Queue messages carry only the job id and type (queues cap messages at 128 KB):
// the job's payload lives in D1's `jobs` table.
export type JobType =
  | "welcome-email"
  | "process-file"
  /** Search (src/api/search): re-index one room's document from its stored state. */
  | "index-document"
  /** Search: index (or re-index after an edit) one chat message, or drop it after a delete. */
  | "index-message"
  /** Search: index a busy room's chat messages from a seq on, read from its history (search-events.ts). */
  | "index-messages"
  /** Search: index every existing room, a few per job, each job handing on to the next. */
  | "search-backfill"
  /** Webhooks: send a webhook's next events, in order (src/api/webhooks/dispatch.ts). */
  | "webhook-dispatch"
  /** Notifications: write a mention, reply, invitation or access change to its recipients' inboxes. */
  | "notify"
  /** Notifications: one user's digest email, after NOTIFY_DELAY_SECONDS. */
  | "notify-digest";

export const JOB_TYPES = ["welcome-email", "process-file", "index-document", "index-message", "index-messages", "search-backfill", "webhook-dispatch", "notify", "notify-digest"] as const satisfies readonly JobType[];

export interface JobMessage {
  jobId: string;
  type: JobType;
}
