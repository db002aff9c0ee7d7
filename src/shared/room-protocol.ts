// The room socket's protocol beyond y-websocket's binary frames: JSON text carried as
// y-partyserver custom messages, parsed with these schemas on both ends; and the close codes
// of the room and chat sockets, each with the sentence the web client shows for it.
import { z } from "zod";
import { threadSchema } from "./comments.ts";

/**
 * What one connection may do with the document: editors write, viewers only read. Not the
 * membership role (owner/editor/viewer, src/db/schema.ts): src/core/access.ts maps one to the other.
 */
const connectionRole = z.enum(["editor", "viewer"]);
export type ConnectionRole = z.infer<typeof connectionRole>;

// --- client → room --------------------------------------------------------------
/** Opts the connection in to notices; the room answers with an `access` notice. */
const helloMessage = z.object({ type: z.literal("hello") });
export type HelloMessage = z.infer<typeof helloMessage>;

// --- room → client (only to connections that said hello) -------------------------------
/** The connection's access, after `hello` and whenever the member's role changes. */
const accessNotice = z.strictObject({ type: z.literal("access"), role: connectionRole, readOnly: z.boolean() });
/** The stored document passed DOCUMENT_WARNING_RATIO of its cap (src/rooms/limits.ts). */
const documentSizeNotice = z.strictObject({
  type: z.literal("document-size"),
  bytes: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
});
/** A comment thread was created or changed (REST or another client): the whole thread as it is now. */
const commentThreadNotice = z.strictObject({ type: z.literal("comment-thread"), thread: threadSchema });
const commentThreadDeletedNotice = z.strictObject({ type: z.literal("comment-thread-deleted"), threadId: z.string() });
const roomNotice = z.discriminatedUnion("type", [accessNotice, documentSizeNotice, commentThreadNotice, commentThreadDeletedNotice]);
export type AccessNotice = z.infer<typeof accessNotice>;
export type DocumentSizeNotice = z.infer<typeof documentSizeNotice>;
export type RoomNotice = z.infer<typeof roomNotice>;

/** JSON text, or undefined when it is not JSON. */
function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** A notice from the room, or null for anything else (a newer server's notice included). */
export function parseRoomNotice(raw: string): RoomNotice | null {
  const result = roomNotice.safeParse(parseJson(raw));
  return result.success ? result.data : null;
}

/** What the room makes of a client's custom message: not JSON is malformed, other JSON is ignored. */
export function parseClientMessage(raw: string): HelloMessage | "not-json" | null {
  const value = parseJson(raw);
  if (value === undefined) return "not-json";
  const result = helloMessage.safeParse(value);
  return result.success ? result.data : null;
}

// --- close codes ------------------------------------------------------------------
// 4400-4499: refused; reconnecting would meet the same refusal (the stock y-websocket client
// stops retrying). 4500-4599: try again later (clients reconnect and resync, losing nothing).
type CloseEntry = { code: number; message: string };

/** The room socket (/parties/room/:id). */
export const ROOM_CLOSE = {
  malformed: { code: 4400, message: "The room refused a malformed message; reload the page." },
  /** Not authorized, access removed, or (reason SIGNED_OUT_REASON) the credential revoked. */
  forbidden: { code: 4403, message: "You no longer have access to this room." },
  deleted: { code: 4404, message: "This room was deleted." },
  documentFull: { code: 4409, message: "The document is full; new edits are not saved." },
  tooLarge: { code: 4413, message: "That change is too large to send in one piece." },
  reset: { code: 4500, message: "The room restarted; reconnecting." },
  /** Over the frame budget. */
  rateLimited: { code: 4529, message: "Too many changes at once; reconnecting." },
} as const satisfies Record<string, CloseEntry>;

/** The presence & chat socket (/api/chat). */
export const CHAT_CLOSE = {
  /** More than 20 malformed frames. */
  malformed: { code: 4400, message: "Chat stopped after malformed messages; reload the page." },
  /** The session or token the socket was opened with was revoked, or the account deleted. */
  signedOut: { code: 4403, message: "You were signed out." },
  /** The user opened more chat sockets than allowed: the oldest is closed to make room. */
  tooManySockets: { code: 4429, message: "Chat is open in too many tabs, so this tab's chat stopped. Reload to use it here." },
} as const satisfies Record<string, CloseEntry>;

type Codes<T extends Record<string, CloseEntry>> = { readonly [K in keyof T]: T[K]["code"] };

function codesOf<T extends Record<string, CloseEntry>>(table: T): Codes<T> {
  return Object.fromEntries(Object.entries(table).map(([name, entry]) => [name, entry.code])) as Codes<T>;
}

/** `RoomCloseCode.malformed` is 4400, and so on: the numbers the server closes with. */
export const RoomCloseCode = codesOf(ROOM_CLOSE);
export const ChatCloseCode = codesOf(CHAT_CLOSE);
export type RoomCloseCode = (typeof RoomCloseCode)[keyof typeof RoomCloseCode];

/** The sentence for a close code of one socket's table; undefined for codes it does not use. */
export function closeMessage(table: typeof ROOM_CLOSE | typeof CHAT_CLOSE, code: number): string | undefined {
  return Object.values(table).find((entry: CloseEntry) => entry.code === code)?.message;
}
