// A browser-like WebSocket class whose connections go through the real Worker
// (exports.default.fetch with `Upgrade: websocket`), so the stock y-websocket client and
// the y-partyserver provider can run inside the test runtime unchanged.
import { exports } from "cloudflare:workers";
import { vi } from "vitest";
import { classifyFrame, type Frame } from "../../src/rooms/frames.ts";
import { type Auth, authHeaders, BASE } from "./http.ts";

type Listener = (event: any) => void;

export function webSocketClass(auth: Auth): typeof WebSocket {
  class TestWebSocket extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly CONNECTING = 0;
    readonly OPEN = 1;
    readonly CLOSING = 2;
    readonly CLOSED = 3;
    readyState = 0;
    binaryType: "blob" | "arraybuffer" = "arraybuffer";
    onopen: Listener | null = null;
    onmessage: Listener | null = null;
    onclose: Listener | null = null;
    onerror: Listener | null = null;
    readonly url: string;
    #socket: WebSocket | null = null;
    #closeRequested = false;

    constructor(url: string | URL) {
      super();
      this.url = String(url);
      void this.#open();
    }

    #emit(type: string, event: Event): void {
      this.dispatchEvent(event);
      const handler = (this as any)[`on${type}`] as Listener | null;
      handler?.call(this, event);
    }

    async #open(): Promise<void> {
      const headers = { upgrade: "websocket", ...authHeaders(auth) };
      const response = await exports.default.fetch(new Request(this.url.replace(/^ws/, "http"), { headers }));
      const socket = response.webSocket;
      if (!socket || this.#closeRequested) {
        await response.body?.cancel();
        this.readyState = 3;
        this.#emit("error", new Event("error"));
        this.#emit("close", Object.assign(new Event("close"), { code: 1006, reason: `HTTP ${response.status}`, wasClean: false }));
        return;
      }
      socket.accept();
      // workerd's sockets default to Blob for binary frames (spec behaviour); browsers' Yjs clients ask for ArrayBuffers.
      socket.binaryType = "arraybuffer";
      this.#socket = socket;
      socket.addEventListener("message", (event) => {
        this.#emit("message", Object.assign(new Event("message"), { data: event.data }));
      });
      socket.addEventListener("close", (event) => {
        this.readyState = 3;
        this.#emit("close", Object.assign(new Event("close"), { code: event.code, reason: event.reason, wasClean: event.wasClean }));
      });
      socket.addEventListener("error", () => this.#emit("error", new Event("error")));
      this.readyState = 1;
      this.#emit("open", new Event("open"));
    }

    send(data: string | ArrayBuffer | ArrayBufferView): void {
      if (this.readyState !== 1 || !this.#socket) throw new Error("WebSocket is not open");
      this.#socket.send(data);
    }

    close(code?: number, reason?: string): void {
      this.#closeRequested = true;
      if (this.#socket && this.readyState === 1) {
        this.readyState = 2;
        this.#socket.close(code ?? 1000, reason);
      }
    }
  }
  return TestWebSocket as unknown as typeof WebSocket;
}

/** The Worker's answer to a WebSocket upgrade of `path` with exactly these headers (socket not accepted). */
export function upgrade(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, { headers: { upgrade: "websocket", ...headers } }));
}

/** Opens a raw socket to a URL through the Worker; returns the HTTP response when refused. */
export async function rawConnect(path: string, auth: Auth = {}): Promise<{ status: number; socket: WebSocket | null; response: Response }> {
  const response = await upgrade(path, authHeaders(auth));
  if (response.webSocket) {
    response.webSocket.accept();
    response.webSocket.binaryType = "arraybuffer";
  }
  return { status: response.status, socket: response.webSocket, response };
}

/** Resolves with the close event of a socket, or rejects after a timeout. */
export function closed(socket: WebSocket, timeoutMs = 5000): Promise<CloseEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("socket did not close")), timeoutMs);
    socket.addEventListener("close", (event) => {
      clearTimeout(timer);
      resolve(event);
    });
  });
}

/**
 * Records a raw room socket's binary frames, read as the room reads them (src/rooms/frames.ts);
 * `next` waits for the first of a kind from index `after` on.
 */
export function roomFrames(socket: WebSocket) {
  const seen: Frame[] = [];
  socket.addEventListener("message", (event) => {
    if (typeof event.data !== "string") seen.push(classifyFrame(new Uint8Array(event.data as ArrayBuffer)));
  });
  return {
    seen,
    next<K extends Frame["kind"]>(kind: K, after = 0, timeout = 5000): Promise<Extract<Frame, { kind: K }>> {
      return vi.waitFor(
        () => {
          const found = seen.slice(after).find((frame): frame is Extract<Frame, { kind: K }> => frame.kind === kind);
          if (!found) throw new Error(`no ${kind} frame yet`);
          return found;
        },
        { timeout, interval: 20 },
      );
    },
  };
}
