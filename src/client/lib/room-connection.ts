// One room's live document: a Y.Doc kept in IndexedDB (edits made offline survive a reload
// and sync on reconnect) and synced with the room object through y-partyserver's provider.
//
// "Unsaved changes": the Yjs protocol has no acknowledgements, but the room object handles
// one socket's frames in order and stores each update in the same turn it applies it. So a
// `hello` sent after some local edits is answered (with an `access` notice) only once those
// edits are stored: that reply is our acknowledgement.
import YProvider from "y-partyserver/provider";
import { IndexeddbPersistence } from "y-indexeddb";
import * as Y from "yjs";
import { API_HOST, WS_PROTOCOL } from "../api.ts";
import type { RoomRole } from "./types.ts";

export type LinkState = "connecting" | "connected" | "reconnecting" | "offline";

export type RoomNotice =
  | { type: "access"; role: RoomRole; readOnly: boolean }
  | { type: "document-size"; bytes: number; limit: number };

export type RoomSnapshot = {
  link: LinkState;
  synced: boolean;
  unsaved: boolean;
  access: { role: RoomRole; readOnly: boolean } | null;
};

/** Close codes from src/rooms/limits.ts, as sentences. */
const CLOSE_REASONS: Record<number, string> = {
  4400: "The room refused a malformed message; reload the page.",
  4403: "You no longer have access to this room.",
  4404: "This room was deleted.",
  4413: "That change is too large to send in one piece.",
  4500: "The room restarted; reconnecting.",
  4409: "The document is full; new edits are not saved.",
};

const ACK_DELAY_MS = 150;

export class RoomConnection {
  readonly doc = new Y.Doc();
  readonly provider: YProvider;
  readonly persistence: IndexeddbPersistence;
  #state: RoomSnapshot = { link: "connecting", synced: false, unsaved: false, access: null };
  #listeners = new Set<() => void>();
  #everConnected = false;
  #localSeq = 0;
  #ackedSeq = 0;
  #inFlight: number[] = [];
  #ackTimer: ReturnType<typeof setTimeout> | null = null;
  #onProblem: (message: string) => void;

  constructor(roomId: string, onProblem: (message: string) => void) {
    this.#onProblem = onProblem;
    this.persistence = new IndexeddbPersistence(`roomful:${roomId}`, this.doc);
    this.provider = new YProvider(API_HOST, roomId, this.doc, { party: "room", protocol: WS_PROTOCOL });

    this.provider.on("status", ({ status }: { status: string }) => {
      if (status === "connected") {
        this.#everConnected = true;
        this.#inFlight = [];
        this.#update({ link: "connected" });
      } else {
        this.#inFlight = [];
        this.#update({ link: this.#offlineOr(this.#everConnected ? "reconnecting" : "connecting"), synced: false });
      }
    });
    this.provider.on("sync", (synced: boolean) => {
      this.#update({ synced });
      // Opt in to notices; the reply also acknowledges whatever was sent before it.
      if (synced) this.#requestAck();
    });
    this.provider.on("custom-message", (raw: string) => this.#notice(raw));
    this.provider.on("connection-close", (event: CloseEvent | null) => {
      const reason = event ? CLOSE_REASONS[event.code] : undefined;
      if (reason) this.#onProblem(reason);
    });
    this.doc.on("update", (_update: Uint8Array, origin: unknown) => {
      if (origin === this.provider) return; // came from the server
      this.#localSeq++;
      this.#update({ unsaved: true });
      this.#scheduleAck();
    });
    window.addEventListener("online", this.#onNetwork);
    window.addEventListener("offline", this.#onNetwork);
  }

  get state(): RoomSnapshot {
    return this.#state;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  destroy(): void {
    window.removeEventListener("online", this.#onNetwork);
    window.removeEventListener("offline", this.#onNetwork);
    if (this.#ackTimer) clearTimeout(this.#ackTimer);
    this.provider.destroy();
    void this.persistence.destroy();
    this.doc.destroy();
  }

  #onNetwork = () => {
    if (!navigator.onLine) this.#update({ link: "offline" });
    else if (this.#state.link === "offline") this.#update({ link: this.provider.wsconnected ? "connected" : "reconnecting" });
  };

  #offlineOr(link: LinkState): LinkState {
    return navigator.onLine ? link : "offline";
  }

  #scheduleAck(): void {
    if (this.#ackTimer) return;
    this.#ackTimer = setTimeout(() => {
      this.#ackTimer = null;
      this.#requestAck();
    }, ACK_DELAY_MS);
  }

  #requestAck(): void {
    if (!this.provider.wsconnected || !this.#state.synced) return;
    this.#inFlight.push(this.#localSeq);
    this.provider.sendMessage(JSON.stringify({ type: "hello" }));
  }

  #notice(raw: string): void {
    let notice: RoomNotice;
    try {
      notice = JSON.parse(raw) as RoomNotice;
    } catch {
      return;
    }
    if (notice.type === "access") {
      const acked = this.#inFlight.shift();
      if (acked !== undefined) this.#ackedSeq = Math.max(this.#ackedSeq, acked);
      this.#update({ access: { role: notice.role, readOnly: notice.readOnly }, unsaved: this.#ackedSeq < this.#localSeq });
    } else if (notice.type === "document-size") {
      this.#onProblem(`The document uses ${Math.round((notice.bytes / notice.limit) * 100)}% of its size limit.`);
    }
  }

  #update(patch: Partial<RoomSnapshot>): void {
    const next = { ...this.#state, ...patch };
    if (Object.keys(patch).every((k) => next[k as keyof RoomSnapshot] === this.#state[k as keyof RoomSnapshot])) return;
    this.#state = next;
    for (const listener of this.#listeners) listener();
  }
}
