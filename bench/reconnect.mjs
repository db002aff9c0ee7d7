// Reconnect storm (issue 14, item 5): N clients hold one room with the automerge-paper document;
// the server process restarts, as a deploy does (every socket closes at once, state stays on
// disk); every client reconnects with its stock provider's backoff and resyncs. Measured: the
// time from the restart until all N are synced again (and from when the server answered again),
// and the bytes each client received and sent from the close until it was synced, while one of
// them edited offline: close to what it missed (sync step 1 carries its state vector, the
// answer is the diff), never the document.
//
// Clients: the stock y-websocket WebsocketProvider for Roomful and @y/websocket-server (it
// retries 100 ms after a drop, doubling on failures, no jitter: the worst case herd) and
// @hocuspocus/provider for Hocuspocus, as in bench/lib/clients.mjs.
import WS from "ws";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { HocuspocusProvider } from "@hocuspocus/provider";
import YProvider from "y-partyserver/provider";
import { addReconnectJitter } from "../src/client/lib/reconnect-jitter.ts";
import { now, pool, sleep, summary, waitFor } from "./lib/util.mjs";

/** A WebSocket class that adds every frame's size to `tally` (received and sent). */
function countingWebSocket(tally, token) {
  return class extends WS {
    constructor(url, protocols) {
      super(url, protocols, { ...(token && { headers: { authorization: `Bearer ${token}` } }), perMessageDeflate: false });
      this.on("message", (data) => {
        tally.received += data.byteLength ?? data.length ?? 0;
      });
    }
    send(data, ...rest) {
      tally.sent += data.byteLength ?? data.length ?? 0;
      return super.send(data, ...rest);
    }
  };
}

/** `own`: Roomful's web client's provider (y-partyserver's, with the client's reconnect jitter). */
function stormClient(target, room, own = false) {
  const tally = { received: 0, sent: 0 };
  const doc = new Y.Doc();
  /** After `reset`: when this client's socket first closed, first opened again, and synced again. */
  const state = { synced: false, syncedAt: null, closedAt: null, openedAt: null, watching: false };
  const onSynced = () => {
    state.synced = true;
    if (state.watching && state.closedAt !== null) state.syncedAt ??= now();
  };
  const onClose = () => {
    state.synced = false;
    if (state.watching) state.closedAt ??= now();
  };
  const onOpen = () => {
    if (state.watching && state.closedAt !== null) state.openedAt ??= now();
  };
  let provider;
  if (target.kind === "hocuspocus") {
    provider = new HocuspocusProvider({ url: target.url, name: room, document: doc, WebSocketPolyfill: countingWebSocket(tally), onSynced, onClose, onOpen });
    provider.awareness?.setLocalState(null);
  } else {
    const url = target.kind === "roomful" ? `${target.url.replace(/^http/, "ws")}/parties/room` : target.url;
    const WebSocketPolyfill = countingWebSocket(tally, target.token);
    if (own) {
      provider = new YProvider(target.url.replace(/^https?:\/\//, ""), room, doc, { party: "room", protocol: "ws", WebSocketPolyfill, disableBc: true, connect: false });
      addReconnectJitter(provider);
    } else {
      provider = new WebsocketProvider(url, room, doc, { WebSocketPolyfill, disableBc: true });
    }
    provider.awareness.setLocalState(null);
    provider.on("sync", (synced) => (synced ? onSynced() : (state.synced = false)));
    provider.on("status", ({ status }) => (status === "connected" ? onOpen() : onClose()));
    if (own) provider.connect();
  }
  return {
    doc,
    tally,
    state,
    close() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/**
 * `ctx`: { target, newRoom(kind, label), populate(kind, room, built), restart(kind) }; `built`:
 * the document (cachedDocument), `clients`: how many; `own`: Roomful's own client provider.
 */
export async function reconnectStorm(ctx, kind, built, clients, { own = false } = {}) {
  const room = await ctx.newRoom(kind, "storm");
  await ctx.populate(kind, room, built);
  const all = await pool(Array.from({ length: clients }), 20, async () => {
    const c = stormClient(ctx.target(kind), room, own);
    await waitFor(() => c.state.synced && c.doc.getText("text").length === built.length, 60_000, `${kind} storm client to sync`, 5);
    return c;
  });
  // Past the reference servers' 2 s debounced save, so the restart loses nothing.
  await sleep(3_500);
  for (const c of all) {
    c.tally.received = 0;
    c.tally.sent = 0;
    c.state.watching = true;
  }
  // One client edits while the server is down (1,000 characters in 20 edits): after the storm,
  // every other client has missed exactly that, and should receive about that much.
  const writer = all[0];
  const before = Y.encodeStateVector(writer.doc);
  const start = now();
  const restarting = ctx.restart(kind);
  await waitFor(() => writer.state.closedAt !== null, 30_000, `${kind}: the writer's socket to close`, 5);
  const text = writer.doc.getText("text");
  for (let i = 0; i < 20; i++) text.insert(text.length, `offline edit ${String(i).padStart(2, "0")} `.padEnd(50, "."));
  const missedBytes = Y.encodeStateAsUpdate(writer.doc, before).byteLength;
  const expected = text.length;
  await restarting;
  // Every client has seen its socket close (the restart closed them all), synced again, and
  // holds the writer's offline edits.
  await waitFor(
    () => all.every((c) => c.state.syncedAt !== null && c.state.synced && c.doc.getText("text").length === expected),
    120_000,
    `${kind}: ${clients} clients to resync`,
    10,
  );
  const firstClose = Math.min(...all.map((c) => c.state.closedAt));
  const firstOpen = Math.min(...all.map((c) => c.state.openedAt));
  const lastOpen = Math.max(...all.map((c) => c.state.openedAt));
  const last = Math.max(...all.map((c) => c.state.syncedAt));
  await sleep(500); // frames that follow the sync (awareness, the client's own step 2 answer)
  const intact = all.every((c) => c.doc.getText("text").toString() === text.toString());
  const received = all.reduce((n, c) => n + c.tally.received, 0);
  const sent = all.reduce((n, c) => n + c.tally.sent, 0);
  for (const c of all) c.close();
  return {
    clients,
    documentBytes: Y.encodeStateAsUpdate(built.doc).byteLength,
    // Down: from the first socket closing to the first socket opening again (the process restart).
    downMs: Math.round(firstOpen - firstClose),
    allSyncedMs: Math.round(last - start),
    // The herd: from the server's first accepted reconnect until every client is synced.
    herdMs: Math.round(last - firstOpen),
    lastOpenMs: Math.round(lastOpen - firstOpen),
    // Per client, from its socket opening again to synced: the server's share, whatever the backoff.
    openToSynced: summary(all.map((c) => c.state.syncedAt - c.state.openedAt)),
    missedBytes,
    receivedBytes: received,
    sentBytes: sent,
    receivedPerClient: Math.round(received / clients),
    sentPerClient: Math.round(sent / clients),
    intact,
  };
}
