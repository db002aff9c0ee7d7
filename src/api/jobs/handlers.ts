// One handler per job type. Handlers must be idempotent: a message can be delivered twice.
import type { JobRow } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import type { JobType } from "../../shared/jobs.ts";
import { processFile } from "./process-file.ts";
import { backfillSearch, indexDocument, indexMessage, indexNewMessages } from "../search/index-jobs.ts";
import { sendWelcomeEmail } from "./welcome-email.ts";
import { dispatchWebhookJob } from "../webhooks/dispatch.ts";
import { deliverNotifications } from "../notifications/deliver.ts";
import { sendDigest } from "../notifications/digest.ts";

export type JobHandler = (env: Env, job: JobRow) => Promise<void>;

export const jobHandlers: Partial<Record<JobType, JobHandler>> = {
  "welcome-email": sendWelcomeEmail,
  "process-file": processFile,
  "index-document": indexDocument,
  "index-message": indexMessage,
  "index-messages": indexNewMessages,
  "search-backfill": backfillSearch,
  "webhook-dispatch": dispatchWebhookJob,
  notify: deliverNotifications,
  "notify-digest": sendDigest,
};
