// Every plain-text var the Worker and its objects read, described once: its type and its default.
// The deployment (src/core/deployment.ts) takes its vars' defaults from here, so alchemy, tests,
// benchmarks and dev all start from the same values. Secrets (SESSION_SECRET, ADMIN_TOKEN,
// MAIL_API_KEY) are not here: they have no default and are read from the env as they are.
//
// A var that is set but invalid fails loudly instead of falling back to its default: most of
// these are limits, and a typo silently replaced by the default would hide a bound nobody chose.
// The deployment checks its vars before alchemy or Miniflare starts anything, so the failure is
// at deploy or start-up; here it is the safety net (the first request or object reading it fails).
import { z } from "zod";

const MiB = 1024 * 1024;

/** A whole number above zero; vars are text ("500"). */
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A comma-separated list, blanks dropped. */
const list = () =>
  z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .default([]);

export const configSchema = z
  .object({
    /** "development" (alchemy dev) relaxes cookies to non-Secure and lets any localhost origin in. */
    APP_ENV: z.enum(["development", "production"]).default("production"),
    /** Browser origins allowed to call the API with credentials. */
    ALLOWED_ORIGINS: list(),

    // Rooms (src/rooms/limits.ts). Document cap: a Yjs document typed character by character
    // needs ~10-20x its encoded size in heap (measured here: 10-12x for the automerge-paper trace;
    // dmonad's B4x100 benchmark: 20x), and compaction briefly holds another 2-3 encoded copies.
    // With 128 MB per isolate (shared by every object in it), 4 MiB encoded (~90 MB worst case)
    // is the largest safe default.
    ROOM_MAX_MESSAGE_BYTES: count(1 * MiB),
    ROOM_MAX_DOCUMENT_BYTES: count(4 * MiB),
    // Per-connection frame budget (a token bucket): fast typing is ~10-20 frames/s and a paste
    // is one frame, far below it. The benchmarks lift it to measure the server itself.
    ROOM_FRAME_BURST: count(500),
    ROOM_FRAMES_PER_SECOND: count(100),
    // Comments (src/rooms/comments/): what one room holds beside its document.
    // Listing a room's threads holds all of them in memory at once, so their text is capped per room.
    COMMENT_THREADS_PER_ROOM: count(1000),
    COMMENTS_PER_THREAD: count(200),
    COMMENT_BYTES_PER_ROOM: count(8 * MiB),

    // Presence & chat, per user (src/presence/limits.ts). One socket more than the cap closes
    // the oldest, so a reload never locks anyone out. The frame budget counts every frame of a
    // user's sockets, of any type (view, subscribe, history, typing and the writes too): room for
    // several tabs re-announcing their view and channels after a reconnect, not for a flood that
    // makes the object fan out or page history hundreds of times a second.
    CHAT_SOCKETS_PER_USER: count(8),
    CHAT_FRAME_BURST: count(60),
    CHAT_FRAMES_PER_SECOND: count(20),

    /** Largest file, in one request or resumable; bigger uploads are refused with 413. */
    MAX_UPLOAD_BYTES: count(100 * MiB),
    // Per-user quotas (src/api/quotas.ts; admins exempt): rooms owned, bytes stored in files.
    MAX_ROOMS_PER_USER: count(100),
    MAX_STORED_BYTES_PER_USER: count(1024 * MiB),

    // Events and webhooks (src/core/events.ts, src/api/webhooks/). Events older than this are
    // pruned by the cron. Webhook URLs on loopback (127.0.0.0/8, ::1, localhost) over plain http
    // are refused unless this is "true" (tests and local dev set it; production never should).
    EVENT_RETENTION_DAYS: count(30),
    WEBHOOK_ALLOW_LOOPBACK: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),

    /** Where the web client is served (deployed, the API shares the origin): links in emails point here. */
    PUBLIC_URL: z.url().default("http://localhost:3000"),
    /** A notification for someone not looking at its room is emailed after this delay, batched per user. */
    NOTIFY_DELAY_SECONDS: z.coerce.number().int().nonnegative().default(60),

    /** First retry delay of a failed job; each later retry doubles it (capped at 60 s). */
    JOB_RETRY_DELAY_SECONDS: z.coerce.number().int().nonnegative().default(2),

    // "outbox": mail is written to D1, readable at GET /api/outbox. "http": POSTed to
    // MAIL_API_URL, a Resend-compatible API, with the MAIL_API_KEY secret (src/api/mail/sender.ts).
    MAIL_SENDER: z.enum(["outbox", "http"]).default("outbox"),
    MAIL_FROM: z.string().min(1).default("Roomful <hello@roomful.local>"),
    MAIL_API_URL: z.union([z.literal(""), z.url()]).default(""),
  })
  .refine((vars) => vars.MAIL_SENDER !== "http" || vars.MAIL_API_URL !== "", {
    path: ["MAIL_API_URL"],
    message: 'MAIL_SENDER "http" needs MAIL_API_URL',
  });

export type Config = z.output<typeof configSchema>;
export type ConfigVar = keyof typeof configSchema.shape;
/** The vars as a deployment or a test may set them: text, any of them left out. */
export type ConfigVars = { readonly [Var in ConfigVar]?: unknown };

/** Every var at its default. */
export const CONFIG_DEFAULTS: Config = configSchema.parse({});

/** Parses `vars` against the schema, naming every bad var in the error. */
export function parseConfig(vars: ConfigVars): Config {
  const result = configSchema.safeParse(vars);
  if (!result.success) throw new Error(`Invalid configuration:\n${z.prettifyError(result.error)}`);
  return result.data;
}

// The runtime hands the Worker and each object one env object for their lifetime.
const parsed = new WeakMap<object, Config>();

/** The typed config of an env, parsed on first use and kept for that env object. */
export function config(env: ConfigVars): Config {
  let found = parsed.get(env);
  if (!found) {
    found = parseConfig(env);
    parsed.set(env, found);
  }
  return found;
}
