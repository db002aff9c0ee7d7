// The presence & chat wire protocol: every frame on /api/chat, in both directions, is one of
// these JSON objects. Server and client (partysocket) parse with the same schemas.
import { z } from "zod";

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
export const messageBody = z.string().trim().min(1, "Empty message.").max(MAX_MESSAGE_CHARS, `At most ${MAX_MESSAGE_CHARS} characters.`);
/** Client-chosen correlation id, echoed on the resulting `message` or `error` frame. */
const nonce = z.string().max(64).optional();

export type ChatMessage = {
  id: string;
  /** Per-object sequence number: the order of messages and the `before` cursor for paging. */
  seq: number;
  channel: Channel;
  /** Null when posted with the bootstrap admin token. */
  userId: string | null;
  userName: string;
  /** "system": posted with the bootstrap admin token, shown as Roomful itself and never as a person. */
  authorKind: "user" | "system";
  body: string;
  createdAt: string;
  editedAt: string | null;
};

export type PresenceUser = {
  id: string;
  name: string;
  colour: string;
  /** Rooms this user's tabs are viewing, only those the recipient may see. */
  rooms: string[];
  lastActive: string;
};

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
type ErrorCode =
  | "bad_frame"
  | "forbidden"
  | "internal"
  | "not_found"
  | "not_subscribed"
  | "rate_limited"
  | "too_many_subscriptions";

export type ServerFrame =
  | { type: "welcome"; you: PresenceUser; online: PresenceUser[] }
  | { type: "presence"; event: "join" | "update" | "leave"; user: PresenceUser }
  | { type: "subscribed"; channel: Channel; messages: ChatMessage[]; nextBefore: number | null }
  | { type: "unsubscribed"; channel: Channel }
  | { type: "history"; channel: Channel; messages: ChatMessage[]; nextBefore: number | null }
  | { type: "message"; message: ChatMessage; nonce?: string }
  | { type: "edited"; message: ChatMessage }
  | { type: "deleted"; channel: Channel; id: string }
  | { type: "typing"; channel: Channel; user: { id: string; name: string } }
  | { type: "error"; code: ErrorCode; message: string; ref?: string; retryAfterMs?: number; details?: unknown };

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
