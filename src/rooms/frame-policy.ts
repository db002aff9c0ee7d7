// What a room accepts from one connection, decided before anything touches the document: a
// size limit, a frame budget, well-formed frames only, and a bound on updates refused for
// missing dependencies. A refusal closes only the sender's connection and is counted in the
// room's storage (the counters survive hibernation; `stats()` reports them).
import type { WSMessage } from "partyserver";
import { RateLimiter } from "../core/token-bucket.ts";
import { RoomCloseCode } from "../shared/room-protocol.ts";
import { byteLength, classifyFrame, type Frame, toBytes } from "./frames.ts";
import type { RoomLimits } from "./limits.ts";
import type { DocumentStorage } from "./storage.ts";

/**
 * An honest client can send an update that depends on its own offline edits a moment before
 * the sync handshake delivers them; the room refuses it and asks for a resync (the client's
 * answer carries both). Past these bounds the connection is hostile or broken: 4400.
 */
const MAX_UNRESOLVED_UPDATES = 32;
const MAX_UNRESOLVED_BYTES = 256 * 1024;

/** y-partyserver's prefix for custom (text) messages; any other text frame is not our protocol. */
const CUSTOM_MESSAGE_PREFIX = "__YPS:";

/** A connection as the policy sees it: an id for its budget, and a way to close it. */
export type PolicedConnection = { id: string; close(code?: number, reason?: string): void };

/** Updates refused for missing dependencies on one connection so far. */
export type UnresolvedTally = { count: number; bytes: number };

/** A frame the room should handle: a custom message's text, or a well-formed binary frame. */
export type AdmittedFrame = { kind: "custom"; text: string } | Exclude<Frame, { kind: "malformed" }>;

export type RejectedFrames = { malformed: number; tooLarge: number; documentFull: number; rateLimited: number; missingDependencies: number };

const UNRESOLVED_COUNTER = "rejected:unresolved";

export class FramePolicy {
  /** Frames per connection (limits.ts); in memory, so it starts full after a wake. */
  readonly #budget: RateLimiter;

  constructor(
    private readonly limits: RoomLimits,
    private readonly storage: DocumentStorage,
  ) {
    this.#budget = new RateLimiter(limits.frameBurst, limits.framesPerSecond);
  }

  /** The frame to handle, or null when it was refused (its connection is closing). */
  admit(connection: PolicedConnection, message: WSMessage): AdmittedFrame | null {
    if (byteLength(message) > this.limits.maxMessageBytes) {
      return this.reject(connection, RoomCloseCode.tooLarge, `Message over ${this.limits.maxMessageBytes} bytes`);
    }
    if (this.#budget.take(connection.id) > 0) return this.reject(connection, RoomCloseCode.rateLimited, "Too many messages; slow down");
    if (typeof message === "string") {
      if (!message.startsWith(CUSTOM_MESSAGE_PREFIX)) return this.reject(connection, RoomCloseCode.malformed, "Unexpected text frame");
      return { kind: "custom", text: message.slice(CUSTOM_MESSAGE_PREFIX.length) };
    }
    const frame = classifyFrame(toBytes(message));
    if (frame.kind === "malformed") return this.reject(connection, RoomCloseCode.malformed, `Malformed frame: ${frame.reason}`);
    return frame;
  }

  /** Closes the connection with `code` and counts the refusal; null, for `return policy.reject(...)`. */
  reject(connection: PolicedConnection, code: RoomCloseCode, reason: string): null {
    this.storage.increment(`rejected:${code}`);
    connection.close(code, reason.slice(0, 120));
    return null;
  }

  /** False when an update of `bytes` would take the stored document past its cap (closed 4409). */
  admitsGrowth(connection: PolicedConnection, bytes: number): boolean {
    if (this.storage.storedBytes + bytes <= this.limits.maxDocumentBytes) return true;
    this.reject(connection, RoomCloseCode.documentFull, `Document is full (limit ${this.limits.maxDocumentBytes} bytes)`);
    return false;
  }

  /**
   * Counts an update dropped for missing dependencies. Returns the connection's new tally (the
   * room then asks it for a resync), or null when it went past the bounds and was closed.
   */
  refuseUnresolvable(connection: PolicedConnection, previous: UnresolvedTally | undefined, bytes: number): UnresolvedTally | null {
    const tally = { count: (previous?.count ?? 0) + 1, bytes: (previous?.bytes ?? 0) + bytes };
    this.storage.increment(UNRESOLVED_COUNTER);
    if (tally.count > MAX_UNRESOLVED_UPDATES || tally.bytes > MAX_UNRESOLVED_BYTES) {
      return this.reject(connection, RoomCloseCode.malformed, "Updates with missing dependencies");
    }
    return tally;
  }

  /** The connection closed: its budget goes with it. */
  forget(connectionId: string): void {
    this.#budget.forget(connectionId);
  }

  /** Refusals since the room was created, by kind. */
  rejected(): RejectedFrames {
    const count = (key: string) => Number(this.storage.getMeta(key) ?? 0);
    return {
      malformed: count(`rejected:${RoomCloseCode.malformed}`),
      tooLarge: count(`rejected:${RoomCloseCode.tooLarge}`),
      documentFull: count(`rejected:${RoomCloseCode.documentFull}`),
      rateLimited: count(`rejected:${RoomCloseCode.rateLimited}`),
      missingDependencies: count(UNRESOLVED_COUNTER),
    };
  }
}
