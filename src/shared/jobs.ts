// Queue messages carry only the job id and type (queues cap messages at 128 KB):
// the job's payload lives in D1's `jobs` table.
export type JobType = "welcome-email" | "process-file";

export interface JobMessage {
  jobId: string;
  type: JobType;
}
