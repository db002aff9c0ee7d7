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
import {
  COMPATIBILITY_DATE,
  COMPATIBILITY_FLAGS,
  CRON_SCHEDULES,
  DEAD_LETTER_CONSUMER,
  DEAD_LETTER_QUEUE,
  DURABLE_OBJECTS,
  deploymentVars,
  JOB_QUEUE,
  jobConsumer,
  ONBOARDING_WORKFLOW,
} from "./src/core/deployment.ts";
import type { JobMessage } from "./src/shared/jobs.ts";

const app = await alchemy("roomful");

// Plain-text vars (src/core/config.ts): each from the environment when set, else its default;
// a bad value stops the deploy here.
const vars = deploymentVars({ ...process.env, APP_ENV: app.local ? "development" : "production" });

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
export const deadLetters = await Queue(DEAD_LETTER_QUEUE, { name: DEAD_LETTER_QUEUE });
export const jobs = await Queue<JobMessage>(JOB_QUEUE, { name: JOB_QUEUE });

export const onboarding = Workflow(ONBOARDING_WORKFLOW.name, {
  workflowName: named(ONBOARDING_WORKFLOW.name),
  className: ONBOARDING_WORKFLOW.className,
});

// --- realtime objects (SQLite-backed Durable Objects) ----------------------
export const rooms = DurableObjectNamespace("room", { className: DURABLE_OBJECTS.ROOM, sqlite: true });
export const presence = DurableObjectNamespace("presence", { className: DURABLE_OBJECTS.PRESENCE, sqlite: true });
export const userSockets = DurableObjectNamespace("user-sockets", { className: DURABLE_OBJECTS.USER_SOCKETS, sqlite: true });

// --- the website: Bun-built React client + the API Worker -----------------
export const website = await BunSPA("website", {
  name: named("website"),
  frontend: "src/client/index.html",
  // Bun.build with the Tailwind plugin (the default `bun build` CLI cannot load plugins).
  build: "bun scripts/build-client.ts dist/client",
  entrypoint: "src/api/index.ts",
  compatibilityDate: COMPATIBILITY_DATE,
  compatibilityFlags: COMPATIBILITY_FLAGS,
  url: true,
  observability: { enabled: true },
  crons: CRON_SCHEDULES,
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
    ...(process.env.MAIL_API_KEY ? { MAIL_API_KEY: alchemy.secret(process.env.MAIL_API_KEY) } : {}),
    ...vars,
  },
  eventSources: [
    { queue: jobs, settings: { ...jobConsumer(vars), deadLetterQueue: deadLetters } },
    { queue: deadLetters, settings: DEAD_LETTER_CONSUMER },
  ],
});

console.log(`Web app: ${website.url}`);
console.log(`API:     ${website.apiUrl}`);

await app.finalize();
