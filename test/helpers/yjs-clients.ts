// Yjs clients for tests: the y-partyserver provider and the stock y-websocket client,
// both connected through the real Worker.
import { vi } from "vitest";
import YProvider from "y-partyserver/provider";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { Auth } from "./http.ts";
import { webSocketClass } from "./websocket.ts";

export type Client = { doc: Y.Doc; provider: YProvider | WebsocketProvider; close: () => void };

export function partyClient(roomId: string, auth: Auth): Client {
  const doc = new Y.Doc();
  const provider = new YProvider("roomful.test", roomId, doc, {
    party: "room",
    protocol: "ws",
    WebSocketPolyfill: webSocketClass(auth),
    disableBc: true,
  });
  return { doc, provider, close: () => provider.destroy() };
}

export function stockClient(roomId: string, auth: Auth): Client {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider("ws://roomful.test/parties/room", roomId, doc, {
    WebSocketPolyfill: webSocketClass(auth) as never,
    disableBc: true,
  });
  return { doc, provider, close: () => provider.destroy() };
}

export async function synced(client: Client, timeout = 5000): Promise<void> {
  await vi.waitFor(() => {
    if (!client.provider.synced) throw new Error("not synced yet");
  }, { timeout, interval: 20 });
}

export async function until(check: () => void, timeout = 5000): Promise<void> {
  await vi.waitFor(check, { timeout, interval: 20 });
}
