// The D1 schema. Migrations in `migrations/` are generated from this file
// (`npm run db:generate`); never edit a generated migration by hand.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () =>
  integer("created_at", { mode: "number" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>` */
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ["user", "admin"] }).notNull().default("user"),
    /** Which notifications are emailed: all, only mentions, or none (the inbox keeps them all). */
    notify: text("notify", { enum: ["all", "mentions", "none"] }).notNull().default("all"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the cookie value: a leaked table cannot be replayed as cookies. */
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: integer("expires_at").notNull(),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    /** JSON array of scopes, e.g. ["read","write"]. */
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at"),
    expiresAt: integer("expires_at"),
  },
  (t) => [uniqueIndex("api_tokens_hash_unique").on(t.tokenHash), index("api_tokens_user_idx").on(t.userId)],
);

export const rooms = sqliteTable(
  "rooms",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    ownerId: text("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    visibility: text("visibility", { enum: ["public", "private"] }).notNull(),
    /** Public rooms only: any signed-in user may edit, not just members. */
    openEditing: integer("open_editing", { mode: "boolean" }).notNull().default(false),
    /** Public rooms only: any signed-in user may comment, not just members with a role that may. */
    openCommenting: integer("open_commenting", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("rooms_owner_idx").on(t.ownerId), index("rooms_visibility_idx").on(t.visibility)],
);

export const roomMembers = sqliteTable(
  "room_members",
  {
    roomId: text("room_id").notNull().references(() => rooms.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "editor", "commenter", "viewer"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index("room_members_user_idx").on(t.userId)],
);

/**
 * A pending invitation to a room: membership starts only when the invitee accepts.
 * The invitee is a user (`inviteeId`) or, for an address nobody has signed up with yet, an
 * `email` matched when that address signs up. Accepting or declining deletes the row.
 */
export const roomInvitations = sqliteTable(
  "room_invitations",
  {
    id: text("id").primaryKey(),
    roomId: text("room_id").notNull().references(() => rooms.id, { onDelete: "cascade" }),
    inviteeId: text("invitee_id").references(() => users.id, { onDelete: "cascade" }),
    email: text("email"),
    role: text("role", { enum: ["owner", "editor", "commenter", "viewer"] }).notNull(),
    /** Null when invited with the bootstrap admin token, or after the inviter's account is deleted. */
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  // SQLite treats NULLs as distinct, so each index constrains only the rows that use its column.
  (t) => [
    uniqueIndex("room_invitations_room_invitee_unique").on(t.roomId, t.inviteeId),
    uniqueIndex("room_invitations_room_email_unique").on(t.roomId, t.email),
    index("room_invitations_invitee_idx").on(t.inviteeId),
    index("room_invitations_email_idx").on(t.email),
  ],
);

export const files = sqliteTable(
  "files",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    roomId: text("room_id").references(() => rooms.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    size: integer("size").notNull(),
    contentType: text("content_type").notNull(),
    /** Type detected from magic bytes by the process-file job. */
    detectedType: text("detected_type"),
    sha256: text("sha256"),
    visibility: text("visibility", { enum: ["public", "private"] }).notNull().default("private"),
    r2Key: text("r2_key").notNull(),
    status: text("status", { enum: ["uploading", "ready", "processed", "rejected"] }).notNull().default("ready"),
    width: integer("width"),
    height: integer("height"),
    thumbnailKey: text("thumbnail_key"),
    /** R2 multipart upload id while a resumable upload is in progress. */
    uploadId: text("upload_id"),
    createdAt: createdAt(),
  },
  (t) => [index("files_owner_idx").on(t.ownerId), index("files_room_idx").on(t.roomId, t.createdAt)],
);

export const snapshots = sqliteTable(
  "snapshots",
  {
    id: text("id").primaryKey(),
    roomId: text("room_id").notNull(),
    r2Key: text("r2_key").notNull(),
    bytes: integer("bytes").notNull(),
    checksum: text("checksum").notNull(),
    stateVectorHash: text("state_vector_hash").notNull(),
    createdBy: text("created_by"),
    reason: text("reason", { enum: ["auto", "manual", "restore", "delete"] }).notNull(),
    label: text("label"),
    createdAt: createdAt(),
  },
  (t) => [index("snapshots_room_idx").on(t.roomId, t.createdAt)],
);

export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ["queued", "running", "done", "failed"] }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("jobs_type_status_idx").on(t.type, t.status)],
);

/** Mail handed to the local sender. `jobId` unique: a redelivered job never mails twice. */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    jobId: text("job_id").notNull(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    /** Extra headers (List-Unsubscribe), as JSON. */
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("outbox_job_unique").on(t.jobId)],
);

/**
 * A user's inbox (src/api/notifications/). `seenAt`: the user was viewing the room, or opened it,
 * before the email went: no email for it. Deleted with the user and with the room.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["mention", "reply", "invitation", "access_changed"] }).notNull(),
    roomId: text("room_id").references(() => rooms.id, { onDelete: "cascade" }),
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    excerpt: text("excerpt").notNull(),
    url: text("url").notNull(),
    /** Makes a redelivered job insert nothing twice: the source's id plus the recipient. */
    dedupeKey: text("dedupe_key").notNull(),
    createdAt: createdAt(),
    readAt: integer("read_at"),
    seenAt: integer("seen_at"),
    emailedAt: integer("emailed_at"),
  },
  (t) => [
    index("notifications_user_created_idx").on(t.userId, t.createdAt),
    index("notifications_room_idx").on(t.roomId),
    uniqueIndex("notifications_dedupe_unique").on(t.dedupeKey),
  ],
);

/** Rooms whose notifications a user does not want emailed. */
export const roomMutes = sqliteTable(
  "room_mutes",
  {
    roomId: text("room_id").notNull().references(() => rooms.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] })],
);

/** A digest email waiting for its delay to pass: at most one per user (the batching window). */
export const digestSchedule = sqliteTable("digest_schedule", {
  userId: text("user_id").primaryKey().references(() => users.id, { onDelete: "cascade" }),
  dueAt: integer("due_at").notNull(),
});

/** Created by the onboarding workflow: the profile first, then its default settings. */
export const userProfiles = sqliteTable("user_profiles", {
  userId: text("user_id").primaryKey().references(() => users.id, { onDelete: "cascade" }),
  displayName: text("display_name").notNull(),
  settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>(),
  createdAt: createdAt(),
});

/** Each onboarding step's state per workflow instance, written by the step itself. */
export const workflowSteps = sqliteTable(
  "workflow_steps",
  {
    instanceId: text("instance_id").notNull(),
    step: text("step").notNull(),
    status: text("status", { enum: ["running", "done", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.instanceId, t.step] })],
);

/** Failed logins per key (account or client address) in the current window, for brute-force limits. */
export const loginAttempts = sqliteTable("login_attempts", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  windowStart: integer("window_start").notNull(),
});

/**
 * What search finds: one row per document block, chat message or file, in a room. The FTS5
 * index over `title` and `body` (search_fts, external content) lives in a hand-written
 * migration (migrations/0004_search.sql: Drizzle cannot express virtual tables) and is kept in
 * step by triggers, so deleting a room or a file (these foreign keys) leaves the index at once.
 */
export const searchEntries = sqliteTable(
  "search_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    type: text("type", { enum: ["document", "message", "comment", "file"] }).notNull(),
    roomId: text("room_id").notNull().references(() => rooms.id, { onDelete: "cascade" }),
    /** Document blocks: content hash and occurrence; messages and files: their id. */
    itemId: text("item_id").notNull(),
    fileId: text("file_id").references(() => files.id, { onDelete: "cascade" }),
    /** Heading path of a block, a message's author, a file's name. */
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** A block's index in its document, a message's seq (where a hit points); null for files. */
    position: integer("position"),
    at: integer("at").notNull(),
  },
  (t) => [uniqueIndex("search_entries_item_unique").on(t.roomId, t.type, t.itemId), index("search_entries_file_idx").on(t.fileId)],
);

/**
 * The event log (src/core/events.ts): every change that matters, for the events API and webhooks.
 * `id` is the global cursor (AUTOINCREMENT: never reused, so a cursor never points at a newer
 * event after pruning); `seq` numbers a room's events without gaps (assigned by the inserting
 * statement itself; room-less events count among themselves). No foreign key on `room_id`: a
 * deleted room's `room.deleted` event stays in the global feed.
 */
export const events = sqliteTable(
  "events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    roomId: text("room_id"),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    /** A user id, "admin-token", or null for the system (a job, the cron). */
    actor: text("actor"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("events_room_seq_unique").on(t.roomId, t.seq),
    index("events_type_idx").on(t.type),
    index("events_created_idx").on(t.createdAt),
  ],
);

/**
 * Webhooks (src/api/webhooks/): a room's (its owners') or every room's (admins'). Deliveries
 * follow `cursor` (the last event id handled) one at a time, so a receiver sees events in order.
 */
export const webhooks = sqliteTable(
  "webhooks",
  {
    id: text("id").primaryKey(),
    roomId: text("room_id").references(() => rooms.id, { onDelete: "cascade" }),
    /** Who created it (notified when it is paused); null for the bootstrap admin token. */
    ownerId: text("owner_id").references(() => users.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    /** Event types to send ("message.*" for a family); empty: all. */
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    /** The signing secret, AES-GCM encrypted with a key derived from SESSION_SECRET. */
    secret: text("secret").notNull(),
    status: text("status", { enum: ["active", "paused"] }).notNull().default("active"),
    pausedReason: text("paused_reason"),
    cursor: integer("cursor").notNull().default(0),
    /** Bumped by a replay: replayed deliveries get new delivery ids. */
    generation: integer("generation").notNull().default(0),
    /** First failure of the current run of failures; cleared by a success. */
    failingSince: integer("failing_since"),
    /** One dispatcher at a time: deliveries are sent one by one, in order. */
    leaseUntil: integer("lease_until"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("webhooks_room_idx").on(t.roomId), index("webhooks_owner_idx").on(t.ownerId)],
);

export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    /** Stable per webhook, event and replay generation: the X-Roomful-Delivery header. */
    id: text("id").primaryKey(),
    webhookId: text("webhook_id").notNull().references(() => webhooks.id, { onDelete: "cascade" }),
    eventId: integer("event_id").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    responseStatus: integer("response_status"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("webhook_deliveries_hook_idx").on(t.webhookId, t.createdAt)],
);

export type User = typeof users.$inferSelect;
export type Room = typeof rooms.$inferSelect;
export type RoomRole = (typeof roomMembers.$inferSelect)["role"];
export type FileRow = typeof files.$inferSelect;
export type SnapshotRow = typeof snapshots.$inferSelect;
export type JobRow = typeof jobs.$inferSelect;
export type SearchEntryRow = typeof searchEntries.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type WebhookRow = typeof webhooks.$inferSelect;
