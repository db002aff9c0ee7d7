// Chat frames: subscribe, history, send, edit, delete, typing. Room channels are checked
// against D1 at subscribe and at every write; history and typing need a live subscription,
// which was itself checked.
import type { Connection } from "partyserver";
import {
  type Channel,
  type ChatMessage,
  type ClientFrame,
  channelRoom,
  MAX_PAGE,
  MAX_SUBSCRIPTIONS,
  type ServerFrame,
} from "../shared/chat-protocol.ts";
import type { RoomView } from "./access.ts";
import { send } from "./fanout.ts";
import type { MessageOutbox } from "./outbox.ts";
import type { Author, MessageStore } from "./messages.ts";
import type { RateLimiter } from "../core/token-bucket.ts";
import type { ConnState } from "./roster.ts";

export const SUBSCRIBE_PAGE = 50;
/** Typing frames from one connection are relayed at most this often; extras are dropped (they are hints). */
const TYPING_EVERY_MS = 1_000;

export interface ChatHost {
  readonly messages: MessageStore;
  readonly limiter: RateLimiter;
  /** New messages, sent at the end of a burst, and every other frame to a channel after them (outbox.ts). */
  readonly outbox: MessageOutbox;
  connections(): Iterable<Connection>;
  setState(connection: Connection, change: (state: ConnState) => ConnState): void;
  /** A fresh D1 check of one user's access to one room. */
  roomView(userId: string, roomId: string): Promise<RoomView>;
}

type Frame<T extends ClientFrame["type"]> = Extract<ClientFrame, { type: T }>;
const lastTyping = new WeakMap<Connection, number>();

export async function mayUseChannel(host: ChatHost, userId: string, channel: Channel): Promise<boolean> {
  const roomId = channelRoom(channel);
  if (!roomId) return true;
  return (await host.roomView(userId, roomId)).canView;
}

const noChannel = (channel: Channel, ref?: string): ServerFrame => ({
  type: "error",
  code: "not_found",
  message: `No channel ${channel} that you may use.`,
  ref,
});

/**
 * Stores, then fans out: the insert commits before any subscriber can see the message. The
 * sender's echo (with its nonce) goes at once; the others get it with the rest of the burst.
 */
export function publish(host: ChatHost, channel: Channel, author: Author, body: string, sender?: { connection: Connection; nonce?: string }): ChatMessage {
  const message = host.messages.append(channel, author, body);
  if (sender) send(sender.connection, { type: "message", message, ...(sender.nonce && { nonce: sender.nonce }) });
  host.outbox.add(channel, message, sender?.connection);
  return message;
}

/** A clear error frame, never a silent drop, when a user writes faster than the limit. */
function rateLimited(host: ChatHost, connection: Connection, state: ConnState, ref?: string): boolean {
  const wait = host.limiter.take(state.userId);
  if (wait === 0) return false;
  send(connection, {
    type: "error",
    code: "rate_limited",
    message: `Slow down: at most ${host.limiter.burst} messages at once, then ${host.limiter.perSecond} per second.`,
    retryAfterMs: wait,
    ref,
  });
  return true;
}

export async function subscribe(host: ChatHost, connection: Connection, state: ConnState, { channel }: Frame<"subscribe">) {
  if (!state.channels.includes(channel) && state.channels.length >= MAX_SUBSCRIPTIONS) {
    return send(connection, { type: "error", code: "too_many_subscriptions", message: `At most ${MAX_SUBSCRIPTIONS} channels per connection.` });
  }
  if (!(await mayUseChannel(host, state.userId, channel))) return send(connection, noChannel(channel));
  host.outbox.flush(); // the page below holds every stored message: none may follow it again
  host.setState(connection, (s) => (s.channels.includes(channel) ? s : { ...s, channels: [...s.channels, channel] }));
  send(connection, { type: "subscribed", channel, ...host.messages.page(channel, undefined, SUBSCRIBE_PAGE) });
}

export function unsubscribe(host: ChatHost, connection: Connection, _state: ConnState, { channel }: Frame<"unsubscribe">) {
  host.setState(connection, (s) => ({ ...s, channels: s.channels.filter((c) => c !== channel) }));
  send(connection, { type: "unsubscribed", channel });
}

export function history(host: ChatHost, connection: Connection, state: ConnState, frame: Frame<"history">) {
  if (!state.channels.includes(frame.channel)) {
    return send(connection, { type: "error", code: "not_subscribed", message: `Subscribe to ${frame.channel} first.` });
  }
  const page = host.messages.page(frame.channel, frame.before, frame.limit ?? MAX_PAGE);
  send(connection, { type: "history", channel: frame.channel, ...page });
}

export async function sendMessage(host: ChatHost, connection: Connection, state: ConnState, frame: Frame<"send">) {
  if (rateLimited(host, connection, state, frame.nonce)) return;
  if (!(await mayUseChannel(host, state.userId, frame.channel))) return send(connection, noChannel(frame.channel, frame.nonce));
  publish(host, frame.channel, { id: state.userId, name: state.name }, frame.body, { connection, nonce: frame.nonce });
}

export async function editMessage(host: ChatHost, connection: Connection, state: ConnState, frame: Frame<"edit">) {
  if (rateLimited(host, connection, state, frame.nonce)) return;
  const existing = host.messages.get(frame.id);
  if (!existing || !(await mayUseChannel(host, state.userId, existing.channel))) {
    return send(connection, { type: "error", code: "not_found", message: "No such message.", ref: frame.nonce });
  }
  if (existing.userId !== state.userId) {
    return send(connection, { type: "error", code: "forbidden", message: "You can only edit your own messages.", ref: frame.nonce });
  }
  const message = host.messages.edit(frame.id, frame.body);
  if (!message) return; // deleted while we checked access
  host.outbox.toChannel(message.channel, { type: "edited", message }, (c) => c.id === connection.id);
  send(connection, { type: "edited", message });
}

/** Authors may delete their own messages; admins may delete any (moderation). */
export async function deleteMessage(host: ChatHost, connection: Connection, state: ConnState, frame: Frame<"delete">) {
  if (rateLimited(host, connection, state, frame.nonce)) return;
  const existing = host.messages.get(frame.id);
  if (!existing || !(await mayUseChannel(host, state.userId, existing.channel))) {
    return send(connection, { type: "error", code: "not_found", message: "No such message.", ref: frame.nonce });
  }
  if (existing.userId !== state.userId && !state.isAdmin) {
    return send(connection, { type: "error", code: "forbidden", message: "You can only delete your own messages.", ref: frame.nonce });
  }
  host.messages.remove(frame.id);
  const deleted: ServerFrame = { type: "deleted", channel: existing.channel, id: existing.id };
  host.outbox.toChannel(existing.channel, deleted, (c) => c.id === connection.id);
  send(connection, deleted);
}

/** Ephemeral: relayed to the channel's other users, never stored. */
export function typing(host: ChatHost, connection: Connection, state: ConnState, { channel }: Frame<"typing">) {
  if (!state.channels.includes(channel)) {
    return send(connection, { type: "error", code: "not_subscribed", message: `Subscribe to ${channel} first.` });
  }
  const now = Date.now();
  if (now - (lastTyping.get(connection) ?? 0) < TYPING_EVERY_MS) return;
  lastTyping.set(connection, now);
  host.outbox.toChannel(
    channel,
    { type: "typing", channel, user: { id: state.userId, name: state.name } },
    (c) => (c.state as ConnState | null)?.userId === state.userId,
  );
}
