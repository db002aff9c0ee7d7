// A test client for /api/chat: opens the socket through the real Worker, records every frame,
// and waits for a matching frame with a timeout (never a fixed sleep).
import { expect } from "vitest";
import type { ClientFrame, ServerFrame } from "../../src/shared/chat-protocol.ts";
import { type Auth, authHeaders } from "./http.ts";
import { upgrade } from "./websocket.ts";

export class ChatSocket {
  /** Every frame received, in order, a `messages` burst as its messages (as ChatClient hands them on). */
  readonly frames: ServerFrame[] = [];
  /** Every frame as it came over the wire. */
  readonly wireFrames: ServerFrame[] = [];
  #waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (event: MessageEvent) => {
      const frame = JSON.parse(event.data as string) as ServerFrame;
      this.wireFrames.push(frame);
      if (frame.type === "messages") this.frames.push(...frame.messages.map((message): ServerFrame => ({ type: "message", message })));
      else this.frames.push(frame);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    ws.addEventListener("close", () => {
      this.closed = true;
    });
  }

  /** `headers`: extra upgrade headers (what a client might try to spoof). */
  static async open(auth: Auth, headers: Record<string, string> = {}): Promise<ChatSocket> {
    const response = await connect(auth, headers);
    expect(response.status).toBe(101);
    const ws = response.webSocket!;
    const socket = new ChatSocket(ws);
    ws.accept();
    await socket.next((f) => f.type === "welcome");
    return socket;
  }

  /** A socket subscribed to `channel` (its `subscribed` page received). */
  static async subscribed(auth: Auth, channel: string): Promise<ChatSocket> {
    const socket = await ChatSocket.open(auth);
    socket.send({ type: "subscribe", channel });
    await socket.next((f) => f.type === "subscribed" && f.channel === channel);
    return socket;
  }

  send(frame: ClientFrame | Record<string, unknown> | string | ArrayBuffer): void {
    this.ws.send(typeof frame === "string" || frame instanceof ArrayBuffer ? frame : JSON.stringify(frame));
  }

  /** The first frame (received so far or later) matching `match`, else fails after `timeoutMs`. */
  async next<T extends ServerFrame>(match: (frame: ServerFrame) => boolean, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found as T;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Frames matching `match` received so far. */
  all<T extends ServerFrame>(match: (frame: ServerFrame) => boolean): T[] {
    return this.frames.filter(match) as T[];
  }

  close(): void {
    this.ws.close(1000, "bye");
  }
}

export function connect(auth: Auth, headers: Record<string, string> = {}): Promise<Response> {
  return upgrade("/api/chat", { ...headers, ...authHeaders(auth) });
}

// Frame matchers.
export const presenceOf = (userId: string, event?: "join" | "update" | "leave") => (f: ServerFrame) =>
  f.type === "presence" && f.user.id === userId && (!event || f.event === event);
export const messageWith = (body: string) => (f: ServerFrame) => f.type === "message" && f.message.body === body;
export const errorWith = (code: string, ref?: string) => (f: ServerFrame) => f.type === "error" && f.code === code && (ref === undefined || f.ref === ref);

/** expect.poll with room for a loaded machine (the default gives up after 1 s). */
export const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 5_000, interval: 20 });
