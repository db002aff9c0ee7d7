// Who is online, derived from the live connections: one entry per user however many tabs
// they have open, redacted per recipient so nobody learns of private rooms they cannot see.
import type { Connection } from "partyserver";
import type { PresenceUser } from "../shared/chat-protocol.ts";
import type { Credential } from "../core/credential.ts";
import { colourFor } from "../shared/colour.ts";
import { type Actor, canSeeRoom } from "../core/access.ts";

/** Per-connection state, kept in the socket attachment (<= 16 KiB) so it survives hibernation. */
export type ConnState = {
  userId: string;
  name: string;
  isAdmin: boolean;
  /** The room this tab views; `roomPublic` was checked against D1 when it was set. */
  room: string | null;
  roomPublic: boolean;
  channels: string[];
  lastActive: number;
  /** The session or token the socket was opened with: revoking it closes the socket. */
  credential?: Credential;
  /** When the socket opened: past the per-user cap, the oldest goes first. */
  connectedAt?: number;
};

export type ViewedRoom = { id: string; public: boolean };
/** A user as the object knows them, before redaction. */
export type RosterEntry = { id: string; name: string; colour: string; rooms: ViewedRoom[]; lastActive: number };
/** A recipient, and the private rooms D1 last said they may see (their memberships). */
export type Viewer = { actor: Actor; privateRooms: ReadonlySet<string> };

export function stateOf(connection: Connection): ConnState | null {
  return (connection.state as ConnState | null) ?? null;
}

export function userTag(userId: string): string {
  return `user:${userId}`;
}

/** Groups open connections by user; `without` skips a connection that is closing. */
export function rosterFrom(connections: Iterable<Connection>, without?: string): Map<string, RosterEntry> {
  const roster = new Map<string, RosterEntry>();
  for (const connection of connections) {
    if (connection.id === without) continue;
    const state = stateOf(connection);
    if (!state) continue;
    let entry = roster.get(state.userId);
    if (!entry) {
      entry = { id: state.userId, name: state.name, colour: colourFor(state.userId), rooms: [], lastActive: 0 };
      roster.set(state.userId, entry);
    }
    entry.lastActive = Math.max(entry.lastActive, state.lastActive);
    if (state.room && !entry.rooms.some((r) => r.id === state.room)) {
      entry.rooms.push({ id: state.room, public: state.roomPublic });
    }
  }
  for (const entry of roster.values()) entry.rooms.sort((a, b) => a.id.localeCompare(b.id));
  return roster;
}

export function redact(entry: RosterEntry, viewer: Viewer): PresenceUser {
  return {
    id: entry.id,
    name: entry.name,
    colour: entry.colour,
    rooms: entry.rooms
      .filter((r) => canSeeRoom({ visibility: r.public ? "public" : "private" }, viewer.privateRooms.has(r.id), viewer.actor))
      .map((r) => r.id),
    lastActive: new Date(entry.lastActive).toISOString(),
  };
}

export function sameRooms(a: RosterEntry | undefined, b: RosterEntry | undefined): boolean {
  const ids = (e: RosterEntry | undefined) => (e?.rooms ?? []).map((r) => r.id).join(",");
  return ids(a) === ids(b);
}
