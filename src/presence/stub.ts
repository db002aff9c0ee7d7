// The Worker's view of the presence object: its RPC methods, typed by hand like roomStub
// (inferring them through partyserver's generics is slow and brittle).
import type { Env } from "../env.ts";
import type { Channel } from "../shared/chat-protocol.ts";
import type { ClosedSockets, Revocation } from "../core/credential.ts";
import type { PostResult } from "./presence.ts";
import type { Author, Page } from "./messages.ts";
import type { RosterEntry } from "./roster.ts";

export interface PresenceRpc {
  online(): Promise<RosterEntry[]>;
  history(channel: Channel, before: number | undefined, limit: number): Promise<Page>;
  post(channel: Channel, author: Author, body: string): Promise<PostResult>;
  /** Call when a room is deleted: `dropChannel(roomChannel(roomId))`. */
  dropChannel(channel: Channel): Promise<void>;
  /** Call when who may see a room changed: sockets that lost it leave its channel and view. */
  recheckRoom(roomId: string): Promise<void>;
  /** Call when a credential is revoked or its user deleted: matching sockets close with 4403. */
  closeCredential(userId: string, revocation: Revocation): Promise<ClosedSockets>;
  /** Call when a user's admin role changed: sockets take the flag and drop rooms they lost. */
  recheckUser(userId: string, isAdmin: boolean): Promise<void>;
  /** Call when an account is deleted: its messages leave every history; returns which went. */
  eraseUserMessages(userId: string): Promise<{ channel: Channel; id: string }[]>;
  /** Marks a room channel read up to `seq` for the user (all their tabs are told); returns the stored mark. */
  markRead(userId: string, channel: Channel, seq: number): Promise<number>;
  /** Unread messages per room (capped at 100); rooms where the user is no member count only after a first read. */
  unreadCounts(userId: string, rooms: { roomId: string; member: boolean }[]): Promise<Record<string, number>>;
  /** Each room's latest chat message time (epoch ms); rooms without messages are left out. */
  lastMessageTimes(roomIds: string[]): Promise<Record<string, number>>;
  viewersOf(roomId: string): Promise<string[]>;
  roomsViewedBy(userId: string): Promise<string[]>;
  pushInbox(userId: string, unreadCount: number): Promise<void>;
}

/** The one global instance. Shard by channel or by user here when it is outgrown (README). */
export function presenceStub(env: Env): DurableObjectStub & PresenceRpc {
  const namespace = env.PRESENCE as unknown as DurableObjectNamespace;
  return namespace.getByName("global") as unknown as DurableObjectStub & PresenceRpc;
}
