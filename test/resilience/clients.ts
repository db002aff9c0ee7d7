// Clients as real users run them: the stock y-websocket provider (ws as its WebSocket) and a
// plain JSON socket on /api/chat, both authenticated with `?token=`.
import { gunzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import path from "node:path";
import WS from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { sleep } from "./stack.ts";

export type Patch = [number, number, string];

/**
 * ws without permessage-deflate, as production answers every client (src/core/deployment.ts sets
 * no_web_socket_compression; locally Miniflare's entry Worker would still negotiate it).
 */
export class WebSocket extends WS {
  constructor(url: string | URL, protocols?: string | string[], options?: WS.ClientOptions) {
    super(url, protocols, { ...options, perMessageDeflate: false });
  }
}

/** The automerge-paper trace's first 40,000 transactions (see fixtures/README.md). */
export function tracePatches(): Patch[] {
  const file = path.join(import.meta.dirname, "fixtures/automerge-paper-40k.json.gz");
  const { txns } = JSON.parse(gunzipSync(readFileSync(file)).toString()) as { txns: Patch[][] };
  return txns.flat();
}

/** Applies a trace patch to a text, clamped to its current length (slices start mid-document). */
export function applyPatch(text: Y.Text, [position, deleted, inserted]: Patch): void {
  const at = Math.min(position, text.length);
  const del = Math.min(deleted, text.length - at);
  text.doc!.transact(() => {
    if (del > 0) text.delete(at, del);
    if (inserted) text.insert(at, inserted);
  });
}

export function roomClient(base: string, roomId: string, token: string) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${base.replace(/^http/, "ws")}/parties/room`, roomId, doc, {
    WebSocketPolyfill: WebSocket as never,
    params: { token },
    disableBc: true,
    maxBackoffTime: 1_000,
  });
  return { doc, provider, close: () => provider.destroy() };
}
export type RoomClient = ReturnType<typeof roomClient>;

/**
 * A raw socket on a room, for sending frames no real client would: `onOpen` gets the open
 * socket; resolves with the close code, or -1 if it is still open after `timeoutMs`.
 */
export function rawRoomSocket(base: string, roomId: string, token: string, timeoutMs: number, onOpen: (ws: WebSocket) => void): Promise<number> {
  const ws = new WebSocket(`${base.replace(/^http/, "ws")}/parties/room/${roomId}?token=${token}`);
  ws.on("error", () => {});
  return new Promise<number>((resolve) => {
    const timer = setTimeout(() => (ws.terminate(), resolve(-1)), timeoutMs);
    ws.on("close", (code) => (clearTimeout(timer), resolve(code)));
    ws.on("open", () => onOpen(ws));
  });
}

export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** A chat socket: every frame is kept; `next` waits for one matching frame. */
export class ChatClient {
  readonly ws: WebSocket;
  readonly frames: any[] = [];
  closeCode: number | null = null;
  #listeners = new Set<(frame: any) => void>();

  constructor(base: string, token: string) {
    this.ws = new WebSocket(`${base.replace(/^http/, "ws")}/api/chat?token=${encodeURIComponent(token)}`);
    this.ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text === "pong") return;
      const frame = JSON.parse(text);
      if (this.frames.length < 10_000) this.frames.push(frame);
      for (const listener of this.#listeners) listener(frame);
    });
    this.ws.on("close", (code) => (this.closeCode = code));
    this.ws.on("error", () => {});
  }

  on(listener: (frame: any) => void): void {
    this.#listeners.add(listener);
  }

  opened(timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState === WebSocket.OPEN) return resolve();
      const timer = setTimeout(() => reject(new Error("chat socket did not open")), timeoutMs);
      this.ws.once("open", () => (clearTimeout(timer), resolve()));
      this.ws.once("unexpected-response", (_req, res) => (clearTimeout(timer), reject(new Error(`chat upgrade ${res.statusCode}`))));
      this.ws.once("close", () => (clearTimeout(timer), reject(new Error("chat socket closed"))));
    });
  }

  async next(match: (frame: any) => boolean, timeoutMs = 15_000): Promise<any> {
    const found = this.frames.find(match);
    if (found) return found;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (this.#listeners.delete(listener), reject(new Error("no matching chat frame"))), timeoutMs);
      const listener = (frame: any) => {
        if (!match(frame)) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(frame);
      };
      this.#listeners.add(listener);
    });
  }

  send(frame: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  close(): void {
    this.ws.close(1000);
    // A dead server never answers the close handshake.
    setTimeout(() => this.ws.terminate(), 1_000).unref();
  }
}
