// The presence & chat wire protocol: every frame on /api/chat, in both directions, is one of
// these JSON objects. Server and client (partysocket) parse with the same schemas.
import { z } from "zod";
import { MAX_MENTIONS, mentionedIds } from "./mentions.ts";

export const MAX_MESSAGE_CHARS = 4_000;
/** Longer frames are refused before JSON.parse; the largest valid frame is well under this. */
const MAX_FRAME_CHARS = 32 * 1024;
export const MAX_PAGE = 100;
/** A connection may follow this many channels at once (they live in its 16 KiB attachment). */
export const MAX_SUBSCRIPTIONS = 32;

// --- channels ---------------------------------------------------------------
const ROOM_PREFIX = "room:";
const uuid = z.string().uuid();

/** `global`, or `room:<roomId>` for one room's members and viewers. */
const channelSchema = z
  .string()
  .regex(/^(global|room:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, "Unknown channel.");
export type Channel = string;

export const roomChannel = (roomId: string): Channel => `${ROOM_PREFIX}${roomId}`;
/** The room a channel belongs to, or null for the global channel. */
export const channelRoom = (channel: Channel): string | null =>
  channel.startsWith(ROOM_PREFIX) ? channel.slice(ROOM_PREFIX.length) : null;

// --- shared shapes ------------------------------------------------------------
export const messageBody = z
  .string()
  .trim()
  .min(1, "Empty message.")
  .max(MAX_MESSAGE_CHARS, `At most ${MAX_MESSAGE_CHARS} characters.`)
  .refine((body) => mentionedIds(body).length <= MAX_MENTIONS, `At most ${MAX_MENTIONS} mentions in one message.`);
/** Client-chosen correlation id, echoed on the resulting `message` or `error` frame. */
const nonce = z.string().max(64).optional();

const chatMessage = z.object({
  id: z.string(),
  /** Per-object sequence number: the order of messages and the `before` cursor for paging. */
  seq: z.number(),
  channel: z.string(),
  /** Null when posted with the bootstrap admin token. */
  userId: z.string().nullable(),
  userName: z.string(),
  /** "system": posted with the bootstrap admin token, shown as Roomful itself and never as a person. */
  authorKind: z.enum(["user", "system"]),
  body: z.string(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
});
export type ChatMessage = z.infer<typeof chatMessage>;

const presenceUser = z.object({
  id: z.string(),
  name: z.string(),
  colour: z.string(),
  /** Rooms this user's tabs are viewing, only those the recipient may see. */
  rooms: z.array(z.string()),
  lastActive: z.string(),
});
export type PresenceUser = z.infer<typeof presenceUser>;

// --- client → server ------------------------------------------------------------
const clientFrame = z.discriminatedUnion("type", [
  /** Which room this tab is viewing (null: none). */
  z.strictObject({ type: z.literal("view"), room: uuid.nullable() }),
  z.strictObject({ type: z.literal("subscribe"), channel: channelSchema }),
  z.strictObject({ type: z.literal("unsubscribe"), channel: channelSchema }),
  z.strictObject({
    type: z.literal("history"),
    channel: channelSchema,
    before: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(MAX_PAGE).optional(),
  }),
  z.strictObject({ type: z.literal("send"), channel: channelSchema, body: messageBody, nonce }),
  z.strictObject({ type: z.literal("edit"), id: z.string().max(64), body: messageBody, nonce }),
  z.strictObject({ type: z.literal("delete"), id: z.string().max(64), nonce }),
  z.strictObject({ type: z.literal("typing"), channel: channelSchema }),
]);
export type ClientFrame = z.infer<typeof clientFrame>;

// --- server → client --------------------------------------------------------------
const errorCode = z.enum([
  "bad_frame",
  "forbidden",
  "internal",
  "not_found",
  "not_subscribed",
  "rate_limited",
  "too_many_subscriptions",
]);
const page = { channel: z.string(), messages: z.array(chatMessage), nextBefore: z.number().nullable() };

// Not strict: a newer server may add fields an older tab ignores.
const serverFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("welcome"), you: presenceUser, online: z.array(presenceUser) }),
  z.object({ type: z.literal("presence"), event: z.enum(["join", "update", "leave"]), user: presenceUser }),
  z.object({ type: z.literal("subscribed"), ...page }),
  z.object({ type: z.literal("unsubscribed"), channel: z.string() }),
  z.object({ type: z.literal("history"), ...page }),
  z.object({ type: z.literal("message"), message: chatMessage, nonce: z.string().optional() }),
  /** Several new messages of one channel, oldest first: what arrived while the server was busy sending. */
  z.object({ type: z.literal("messages"), channel: z.string(), messages: z.array(chatMessage) }),
  z.object({ type: z.literal("edited"), message: chatMessage }),
  z.object({ type: z.literal("deleted"), channel: z.string(), id: z.string() }),
  z.object({ type: z.literal("typing"), channel: z.string(), user: z.object({ id: z.string(), name: z.string() }) }),
  /** The user's inbox changed (a new notification, or some read in another tab). */
  z.object({ type: z.literal("inbox"), unreadCount: z.number() }),
  /** The user read a channel up to `seq` (in this tab or another): its unread count is 0 there. */
  z.object({ type: z.literal("read"), channel: z.string(), seq: z.number() }),
  z.object({
    type: z.literal("error"),
    code: errorCode,
    message: z.string(),
    ref: z.string().optional(),
    retryAfterMs: z.number().optional(),
    details: z.unknown().optional(),
  }),
]);
export type ServerFrame = z.infer<typeof serverFrame>;

/** What a client makes of a server frame: the frame, or null for anything it cannot trust. */
export function parseServerFrame(raw: unknown): ServerFrame | null {
  if (typeof raw !== "string") return null;
  try {
    const result = serverFrame.safeParse(JSON.parse(raw));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** Parses one incoming frame; never throws. */
export function parseClientFrame(raw: unknown): { ok: true; frame: ClientFrame } | { ok: false; message: string; details?: unknown } {
  if (typeof raw !== "string") return { ok: false, message: "Frames are JSON text." };
  if (raw.length > MAX_FRAME_CHARS) return { ok: false, message: `Frames are at most ${MAX_FRAME_CHARS} characters.` };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, message: "Frame is not valid JSON." };
  }
  const result = clientFrame.safeParse(value);
  if (!result.success) {
    return {
      ok: false,
      message: "Frame does not match the protocol.",
      details: result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    };
  }
  return { ok: true, frame: result.data };
}
