// One presence & chat socket per tab (/api/chat, protocol in src/shared/chat-protocol.ts).
// partysocket reconnects with backoff; after each reconnect the room being viewed and the
// channels followed are announced again, since the server forgets a closed socket.
import { WebSocket as ReconnectingWebSocket } from "partysocket";
import { type Channel, type ClientFrame, type PresenceUser, parseServerFrame, type ServerFrame } from "../../shared/chat-protocol.ts";
import { ChatCloseCode } from "../../shared/room-protocol.ts";
import { API_HOST, WS_PROTOCOL } from "../api.ts";

type Listener = (frame: ServerFrame) => void;

export class ChatClient {
  readonly online = new Map<string, PresenceUser>();
  you: PresenceUser | null = null;
  #socket: ReconnectingWebSocket;
  #listeners = new Set<Listener>();
  #channels = new Map<Channel, number>();
  #viewing: string | null = null;

  /** `onEnded`: the server closed the socket for good (a ChatCloseCode); it does not reconnect. */
  constructor(onEnded?: (code: number) => void) {
    const final = (code: number) => (Object.values(ChatCloseCode) as number[]).includes(code);
    this.#socket = new ReconnectingWebSocket(`${WS_PROTOCOL}://${API_HOST}/api/chat`, undefined, {
      // Signed out, replaced by newer tabs, or refused as malformed: reconnecting would loop.
      shouldReconnectOnClose: (event) => !final(event.code),
    });
    this.#socket.addEventListener("close", (event) => {
      if (final(event.code)) onEnded?.(event.code);
    });
    this.#socket.addEventListener("open", () => {
      this.#send({ type: "view", room: this.#viewing });
      for (const channel of this.#channels.keys()) this.#send({ type: "subscribe", channel });
    });
    this.#socket.addEventListener("message", (event) => {
      const frame = parseServerFrame(event.data);
      if (frame) this.#receive(frame);
    });
  }

  #receive(frame: ServerFrame): void {
    if (frame.type === "messages") {
      // A burst, sent as one frame: listeners see each message as it would have come alone.
      for (const message of frame.messages) this.#receive({ type: "message", message });
      return;
    }
    if (frame.type === "welcome") {
      this.you = frame.you;
      this.online.clear();
      for (const user of frame.online) this.online.set(user.id, user);
    } else if (frame.type === "presence") {
      if (frame.event === "leave") this.online.delete(frame.user.id);
      else this.online.set(frame.user.id, frame.user);
    }
    for (const listener of this.#listeners) listener(frame);
  }

  /** Sends only if connected (state frames are replayed on reconnect instead). */
  sendNow(frame: ClientFrame): boolean {
    return this.#send(frame);
  }

  #send(frame: ClientFrame): boolean {
    if (this.#socket.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  /** A chat write: partysocket queues it while reconnecting and sends it once open. */
  send(frame: ClientFrame): void {
    this.#socket.send(JSON.stringify(frame));
  }

  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  view(room: string | null): void {
    this.#viewing = room;
    this.#send({ type: "view", room });
  }

  /** Reference-counted, so two components may follow the same channel. */
  subscribe(channel: Channel): () => void {
    const count = this.#channels.get(channel) ?? 0;
    this.#channels.set(channel, count + 1);
    if (count === 0) this.#send({ type: "subscribe", channel });
    return () => {
      const left = (this.#channels.get(channel) ?? 1) - 1;
      if (left > 0) return void this.#channels.set(channel, left);
      this.#channels.delete(channel);
      this.#send({ type: "unsubscribe", channel });
    };
  }

  close(): void {
    this.#socket.close();
  }
}
