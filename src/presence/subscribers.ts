// Who is subscribed to each chat channel, held in memory so a message goes straight to its
// subscribers. Walking getConnections() instead costs a native deserializeAttachment() per open
// socket per message (partyserver checks each socket is its own), whether or not it subscribed.
// Nothing lives only here: the index is rebuilt from the sockets' attachments (which hold each
// connection's channels) on first use after the object wakes, and kept in step on every change.
import type { Connection } from "partyserver";
import type { Channel } from "../shared/chat-protocol.ts";
import { stateOf } from "./roster.ts";

export class ChannelSubscribers {
  #byChannel: Map<Channel, Map<string, Connection>> | null = null;

  constructor(private readonly all: () => Iterable<Connection>) {}

  /**
   * The sockets subscribed to `channel`. One that is closing may still be listed until its
   * onClose; a send to it throws, which every sender catches (no readyState read per socket:
   * the runtime's getter costs about as much as a send).
   */
  of(channel: Channel): Iterable<Connection> {
    return this.#index().get(channel)?.values() ?? [];
  }

  /** A connection's channels changed from `before` to `after` (its attachment already says `after`). */
  changed(connection: Connection, before: readonly Channel[], after: readonly Channel[]): void {
    // Not built yet: the first use reads every attachment, this change included.
    if (!this.#byChannel) return;
    for (const channel of before) if (!after.includes(channel)) this.#remove(channel, connection);
    for (const channel of after) if (!before.includes(channel)) this.#add(channel, connection);
  }

  closed(connection: Connection, channels: readonly Channel[]): void {
    if (!this.#byChannel) return;
    for (const channel of channels) this.#remove(channel, connection);
  }

  #index(): Map<Channel, Map<string, Connection>> {
    if (this.#byChannel) return this.#byChannel;
    this.#byChannel = new Map();
    for (const connection of this.all()) {
      for (const channel of stateOf(connection)?.channels ?? []) this.#add(channel, connection);
    }
    return this.#byChannel;
  }

  #add(channel: Channel, connection: Connection): void {
    const index = this.#byChannel!;
    let subscribed = index.get(channel);
    if (!subscribed) index.set(channel, (subscribed = new Map()));
    subscribed.set(connection.id, connection);
  }

  // Only this very socket: a reconnecting client keeps its connection id (partysocket), so the
  // old socket's late close must not take the new socket's subscription with it.
  #remove(channel: Channel, connection: Connection): void {
    const subscribed = this.#byChannel!.get(channel);
    if (subscribed?.get(connection.id) !== connection) return;
    subscribed.delete(connection.id);
    if (subscribed.size === 0) this.#byChannel!.delete(channel);
  }
}
