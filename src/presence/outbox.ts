// New chat messages: the first after a quiet spell goes to the channel's subscribers at once;
// those stored while the object is still busy (before a zero timer fires) go out together, one
// `messages` frame per subscriber, instead of one send per message per subscriber (the send is
// most of a delivery's cost at hundreds of sockets). Every other frame for a channel's
// subscribers goes through toChannel here, after what is waiting, so nobody sees an edit,
// delete or typing before the message it follows.
import type { Connection } from "partyserver";
import type { Channel, ChatMessage, ServerFrame } from "../shared/chat-protocol.ts";
import { sendText, toChannel } from "./fanout.ts";

type Pending = {
  messages: ChatMessage[];
  /** Connection id → ids of the messages it sent: it already has those (its own echo). */
  echoed: Map<string, Set<string>>;
};

function frameOf(channel: Channel, messages: ChatMessage[]): ServerFrame {
  return messages.length === 1 ? { type: "message", message: messages[0]! } : { type: "messages", channel, messages };
}

export class MessageOutbox {
  readonly #pending = new Map<Channel, Pending>();
  /** Set while a burst may be under way: until it fires, new messages wait for it. */
  #busy: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly subscribersOf: (channel: Channel) => Iterable<Connection>) {}

  /** A stored message for `channel`'s subscribers; `echoedTo` already got it (with its nonce). */
  add(channel: Channel, message: ChatMessage, echoedTo?: Connection): void {
    let pending = this.#pending.get(channel);
    if (!pending) this.#pending.set(channel, (pending = { messages: [], echoed: new Map() }));
    pending.messages.push(message);
    if (echoedTo) {
      const own = pending.echoed.get(echoedTo.id) ?? new Set<string>();
      pending.echoed.set(echoedTo.id, own.add(message.id));
    }
    if (this.#busy === null) this.#sendAndWait();
  }

  #sendAndWait(): void {
    this.flush();
    this.#busy = setTimeout(() => {
      this.#busy = null;
      if (this.#pending.size > 0) this.#sendAndWait();
    }, 0);
  }

  /** Any other frame for `channel`'s subscribers (fanout.ts toChannel), after the messages waiting. */
  toChannel(channel: Channel, frame: ServerFrame, skip?: (c: Connection) => boolean): void {
    this.flush();
    toChannel(this.subscribersOf(channel), frame, skip);
  }

  /** Sends everything waiting: one frame per subscriber and channel, serialized once. */
  flush(): void {
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const [channel, { messages, echoed }] of pending) {
      const text = JSON.stringify(frameOf(channel, messages));
      for (const connection of this.subscribersOf(channel)) {
        const own = echoed.get(connection.id);
        if (!own) {
          sendText(connection, text);
          continue;
        }
        const others = messages.filter((m) => !own.has(m.id));
        if (others.length > 0) sendText(connection, JSON.stringify(frameOf(channel, others)));
      }
    }
  }
}
