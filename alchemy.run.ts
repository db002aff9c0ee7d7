// Every Cloudflare resource Roomful uses, in the order a reader thinks about them:
// data, then async work, then the realtime objects, then the website that binds them all.
// `alchemy dev` runs all of it locally in Miniflare; `alchemy deploy` creates it on Cloudflare.
import alchemy from "alchemy";
import {
  BunSPA,
  D1Database,
  DurableObjectNamespace,
  KVNamespace,
  Queue,
  R2Bucket,
  Workflow,
} from "alchemy/cloudflare";
import type { JobMessage } from "./src/shared/jobs.ts";

const app = await alchemy("roomful");

// Stage-specific names keep a personal dev stage apart from production.
const named = (base: string) => `roomful-${base}-${app.stage}`;

// --- data -----------------------------------------------------------------
export const db = await D1Database("db", {
  name: named("db"),
  migrationsDir: "migrations",
});
export const storage = await R2Bucket("storage", { name: named("storage") });
export const cache = await KVNamespace("cache", { title: named("cache") });

// --- async work -----------------------------------------------------------
// alchemy 0.94 in dev only wires producer and consumer together when a
// queue's name equals its id, so both queues use their id as their name.
export const deadLetters = await Queue("roomful-jobs-dlq", { name: "roomful-jobs-dlq" });
export const jobs = await Queue<JobMessage>("roomful-jobs", { name: "roomful-jobs" });

export const onboarding = Workflow("onboarding", {
  workflowName: named("onboarding"),
  className: "OnboardingWorkflow",
});

// --- realtime objects (SQLite-backed Durable Objects) ----------------------
export const rooms = DurableObjectNamespace("room", { className: "Room", sqlite: true });
export const presence = DurableObjectNamespace("presence", {
  className: "Presence",
  sqlite: true,
});
// One per user: the rooms where they have open sockets, so revoking a credential reaches them.
export const userSockets = DurableObjectNamespace("user-sockets", { className: "UserSockets", sqlite: true });

// --- the website: Bun-built React client + the API Worker -----------------
export const website = await BunSPA("website", {
  name: named("website"),
  frontend: "src/client/index.html",
  // Bun.build with the Tailwind plugin (the default `bun build` CLI cannot load plugins).
  build: "bun scripts/build-client.ts dist/client",
  entrypoint: "src/api/index.ts",
  compatibilityDate: "2026-07-01",
  // no_web_socket_compression: see scripts/local/bindings.ts.
  compatibilityFlags: ["nodejs_compat", "no_web_socket_compression"],
  url: true,
  observability: { enabled: true },
  // Hourly housekeeping (src/api/scheduled.ts): sweeps abandoned resumable uploads.
  // The same schedule is in scripts/local/bindings.ts for the local runtimes.
  crons: ["17 * * * *"],
  bindings: {
    DB: db,
    STORAGE: storage,
    CACHE: cache,
    JOBS: jobs,
    ROOM: rooms,
    PRESENCE: presence,
    USER_SOCKETS: userSockets,
    ONBOARDING: onboarding,
    SESSION_SECRET: alchemy.secret(process.env.SESSION_SECRET),
    ADMIN_TOKEN: alchemy.secret(process.env.ADMIN_TOKEN),
    APP_ENV: app.local ? "development" : "production",
    // Browser origins allowed to call the API with credentials (comma-separated).
    ALLOWED_ORIGINS: process.env.ALLOWED_ORIGINS ?? "",
    // Largest single-request upload (POST /api/upload); bigger files use the multipart flow.
    // Room limits (src/rooms/limits.ts explains the 4 MiB document default).
    ROOM_MAX_MESSAGE_BYTES: process.env.ROOM_MAX_MESSAGE_BYTES ?? String(1024 * 1024),
    ROOM_MAX_DOCUMENT_BYTES: process.env.ROOM_MAX_DOCUMENT_BYTES ?? String(4 * 1024 * 1024),
    ROOM_FRAME_BURST: process.env.ROOM_FRAME_BURST ?? "500",
    ROOM_FRAMES_PER_SECOND: process.env.ROOM_FRAMES_PER_SECOND ?? "100",
    // Presence & chat, per user (src/presence/limits.ts): sockets, then a frame budget.
    CHAT_SOCKETS_PER_USER: process.env.CHAT_SOCKETS_PER_USER ?? "8",
    CHAT_FRAME_BURST: process.env.CHAT_FRAME_BURST ?? "60",
    CHAT_FRAMES_PER_SECOND: process.env.CHAT_FRAMES_PER_SECOND ?? "20",
    MAX_UPLOAD_BYTES: process.env.MAX_UPLOAD_BYTES ?? String(100 * 1024 * 1024),
    // Per-user quotas (src/api/quotas.ts; admins exempt): rooms owned, bytes stored in files.
    MAX_ROOMS_PER_USER: process.env.MAX_ROOMS_PER_USER ?? "100",
    MAX_STORED_BYTES_PER_USER: process.env.MAX_STORED_BYTES_PER_USER ?? String(1024 * 1024 * 1024),
    // First retry delay of a failed job; each later retry doubles it (capped at 60 s).
    JOB_RETRY_DELAY_SECONDS: process.env.JOB_RETRY_DELAY_SECONDS ?? "2",
    // "outbox" (default: mail is written to D1, readable at GET /api/outbox) or "http"
    // (POSTs to MAIL_API_URL, a Resend-compatible API, with MAIL_API_KEY).
    MAIL_SENDER: process.env.MAIL_SENDER ?? "outbox",
    MAIL_FROM: process.env.MAIL_FROM ?? "Roomful <hello@roomful.local>",
    MAIL_API_URL: process.env.MAIL_API_URL ?? "",
    ...(process.env.MAIL_API_KEY ? { MAIL_API_KEY: alchemy.secret(process.env.MAIL_API_KEY) } : {}),
  },
  eventSources: [
    {
      queue: jobs,
      settings: {
        batchSize: 10,
        maxRetries: 3,
        maxWaitTimeMs: 500,
        retryDelay: 2,
        deadLetterQueue: deadLetters,
      },
    },
    { queue: deadLetters, settings: { batchSize: 10, maxRetries: 1, maxWaitTimeMs: 500 } },
  ],
});

console.log(`Web app: ${website.url}`);
console.log(`API:     ${website.apiUrl}`);

await app.finalize();
