// One load generator, three servers: the stock y-websocket client (Roomful and
// @y/websocket-server) and @hocuspocus/provider (Hocuspocus). Every client is a Y.Doc.
import WS from "ws";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { HocuspocusProvider } from "@hocuspocus/provider";
import { now, waitFor } from "./util.mjs";

// Each WebsocketProvider adds a process "exit" listener (to clear its awareness) until it is
// destroyed; a stage holds hundreds of clients in this one process, which is not a leak.
process.setMaxListeners(0);

/**
 * ws with an Authorization header (Roomful authorizes the upgrade like any API call) and
 * without permessage-deflate, which production never negotiates (src/core/deployment.ts sets
 * no_web_socket_compression) but Miniflare's entry Worker, in front locally, would.
 */
export function authorizedWebSocket(token) {
  return class extends WS {
    /** The upgrade answer's Server-Timing header (Roomful: total, access, room). */
    serverTiming = null;
    constructor(url, protocols) {
      super(url, protocols, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
      this.once("upgrade", (response) => (this.serverTiming = response.headers["server-timing"] ?? null));
    }
  };
}

/** `total;dur=12.0,access;desc="...";dur=3.0` as { total: 12, access: 3 }. */
export function parseServerTiming(header) {
  const out = {};
  for (const metric of header?.split(",") ?? []) {
    const [name, ...params] = metric.split(";").map((part) => part.trim());
    const dur = params.find((p) => p.startsWith("dur="));
    if (name && dur) out[name] = Number(dur.slice(4));
  }
  return out;
}

/**
 * target: { kind: "roomful" | "yws" | "hocuspocus", url, token? }. Readers pass
 * `passive: true`: no awareness state, so they add no traffic of their own.
 */
export function openClient(target, room, { passive = true } = {}) {
  const doc = new Y.Doc();
  const text = doc.getText("text");
  let provider;
  let isSynced = false;
  /** When the socket opened (the server answered the upgrade), for splitting cold loads. */
  let openedAt = null;
  const opened = () => (openedAt ??= now());
  if (target.kind === "hocuspocus") {
    provider = new HocuspocusProvider({
      url: target.url,
      name: room,
      document: doc,
      WebSocketPolyfill: WS,
      onOpen: opened,
      onSynced: () => {
        isSynced = true;
      },
    });
    if (passive) provider.awareness?.setLocalState(null);
  } else {
    const url = target.kind === "roomful" ? `${target.url.replace(/^http/, "ws")}/parties/room` : target.url;
    provider = new WebsocketProvider(url, room, doc, {
      WebSocketPolyfill: target.token ? authorizedWebSocket(target.token) : WS,
      disableBc: true,
      connect: false,
      maxBackoffTime: 500,
    });
    if (passive) provider.awareness.setLocalState(null);
    provider.on("sync", (s) => {
      if (s) isSynced = true;
    });
    provider.on("status", ({ status }) => status === "connected" && opened());
    provider.connect();
  }
  const socket = () => (target.kind === "hocuspocus" ? provider.configuration.websocketProvider.webSocket : provider.ws);
  return {
    doc,
    text,
    provider,
    openedAt: () => openedAt,
    /** Roomful's Server-Timing for the last socket upgrade, parsed (parseServerTiming). */
    serverTiming: () => parseServerTiming(socket()?.serverTiming),
    synced: (timeoutMs = 30_000) => waitFor(() => isSynced, timeoutMs, `${target.kind} sync`, 2),
    bufferedAmount: () => socket()?.bufferedAmount ?? 0,
    close() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/**
 * Progress of one author's edits as a single number that grows with every operation:
 * characters inserted (the author's clock) plus characters deleted. The writer records
 * (progress, send time) per operation; a reader that reaches a progress value has applied
 * every operation up to it.
 */
export function trackProgress(doc, onProgress) {
  let deleted = 0;
  doc.on("afterTransaction", (tr) => {
    let d = 0;
    for (const items of tr.deleteSet.clients.values()) for (const item of items) d += item.len;
    deleted += d;
    let inserted = 0;
    for (const clock of tr.afterState.values()) inserted += clock;
    onProgress(inserted + deleted, now());
  });
}
