// Comment threads as they leave the server: over REST (GET /api/rooms/:id/comments) and live,
// as room notices (src/shared/room-protocol.ts). One schema for both, so the web client parses
// a notice with the same shape a script reads.
import { z } from "zod";

/** Longest comment body, in characters. */
export const MAX_COMMENT_CHARS = 4000;
/** Longest quote a script may anchor on, in characters; a longer anchored range is quoted by its start. */
export const MAX_QUOTE_CHARS = 1000;

export const commentSchema = z.strictObject({
  id: z.string(),
  /** `id` is null for the system (the bootstrap admin token); `name` is null once the author's account is deleted. */
  author: z.strictObject({ id: z.string().nullable(), name: z.string().nullable() }),
  body: z.string(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
});

export const threadSchema = z.strictObject({
  id: z.string(),
  anchor: z.strictObject({
    /** The text under the anchor now; for an orphaned thread, the last text it had. */
    quote: z.string(),
    /** Its text was deleted: the thread is shown apart, never lost. */
    orphaned: z.boolean(),
    /** Yjs relative positions (base64), for clients that highlight the range in the live document. */
    start: z.string(),
    end: z.string(),
  }),
  resolved: z.boolean(),
  createdAt: z.string(),
  comments: z.array(commentSchema),
});

export type Comment = z.infer<typeof commentSchema>;
export type Thread = z.infer<typeof threadSchema>;
export type ThreadStatus = "open" | "resolved" | "all";
