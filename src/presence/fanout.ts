// Sending frames: to one socket, to a channel's subscribers, or a presence change to everyone
// (redacted per recipient). Sends to a socket that is already closing are ignored.
import type { Connection } from "partyserver";
import type { ServerFrame } from "../shared/chat-protocol.ts";
import { redact, type RosterEntry, type Viewer } from "./roster.ts";

export function send(connection: Connection, frame: ServerFrame): void {
  sendText(connection, JSON.stringify(frame));
}

/** A frame already serialized (once for many recipients). */
export function sendText(connection: Connection, text: string): void {
  try {
    connection.send(text);
  } catch {
    // The socket closed under us; its onClose does the bookkeeping.
  }
}

/**
 * One frame to a channel's subscribers (ChannelSubscribers.of: the index is the truth, kept in
 * step with every subscription change, so no recipient's attachment is read here: at 500
 * sockets those reads were a sixth of a message's cost).
 */
export function toChannel(connections: Iterable<Connection>, frame: ServerFrame, skip?: (c: Connection) => boolean): void {
  const text = JSON.stringify(frame);
  for (const connection of connections) {
    if (!skip?.(connection)) sendText(connection, text);
  }
}

/**
 * A join, update or leave of `entry`, to every connection but `without`. Recipients whose
 * redacted view did not change (`before` gives the old entry) get nothing: a move between two
 * rooms they cannot see is not news to them.
 */
export function presenceChange(
  connections: Iterable<Connection>,
  viewerOf: (connection: Connection) => Viewer | null,
  event: "join" | "update" | "leave",
  entry: RosterEntry,
  options: { without?: string; before?: RosterEntry } = {},
): void {
  for (const connection of connections) {
    if (connection.id === options.without) continue;
    const viewer = viewerOf(connection);
    if (!viewer) continue;
    const user = redact(entry, viewer);
    if (options.before && redact(options.before, viewer).rooms.join() === user.rooms.join()) continue;
    send(connection, { type: "presence", event, user: event === "leave" ? { ...user, rooms: [] } : user });
  }
}
