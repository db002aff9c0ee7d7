// One room's live document: a Y.Doc kept in IndexedDB (edits made offline survive a reload
// and sync on reconnect) and synced with the room object through y-partyserver's provider.
//
// "Unsaved changes": the Yjs protocol has no acknowledgements, but the room object handles
// one socket's frames in order and stores each update in the same turn it applies it. So a
// `hello` sent after some local edits is answered (with an `access` notice) only once those
// edits are stored: that reply is our acknowledgement.
//
// The offline copy belongs to one user (offline-copies.ts) and never outlives their access:
// a 4403/4404 close deletes it. Edits the room never stored (made offline, or dropped because
// the connection became read-only) are flagged in the copy itself and shown as not saved
// (`refused`), never silently dropped.
import YProvider from "y-partyserver/provider";
import { IndexeddbPersistence } from "y-indexeddb";
import * as Y from "yjs";
import { API_HOST, WS_PROTOCOL } from "../api.ts";
import { closeMessage, type ConnectionRole, type HelloMessage, parseRoomNotice, ROOM_CLOSE, RoomCloseCode, type RoomNotice } from "../../shared/room-protocol.ts";
import { SIGNED_OUT_REASON } from "../../shared/signed-out.ts";
import { deleteUnkeyedCopy, offlineCopyName } from "./offline-copies.ts";
import { addReconnectJitter } from "./reconnect-jitter.ts";

/** `closed`: the room refused this connection for good (access removed, room deleted). */
export type LinkState = "connecting" | "connected" | "reconnecting" | "offline" | "closed";

export type RoomSnapshot = {
  link: LinkState;
  synced: boolean;
  unsaved: boolean;
  access: { role: ConnectionRole; readOnly: boolean } | null;
  refused: RefusedEdits | null;
};

/**
 * The room no longer takes this browser's edits: the connection became read-only, access was
 * removed, or the room deleted. `unsent`: edits made here that the room never stored; they stay
 * visible in this page (the offline copy is gone once access is) but are not saved.
 */
export type CommentNotice = Extract<RoomNotice, { type: "comment-thread" | "comment-thread-deleted" }>;

export type RefusedEdits = { reason: "read-only" | "no-access" | "deleted"; unsent: boolean };

const ACK_DELAY_MS = 150;
/** Key in the offline copy's own store: set while it holds edits the room has not acknowledged. */
const UNSENT_KEY = "unsent";
/** A browser whose IndexedDB never answers (some private modes) still connects after this. */
const OFFLINE_COPY_WAIT_MS = 2_000;

export class RoomConnection {
  readonly doc = new Y.Doc();
  readonly provider: YProvider;
  readonly persistence: IndexeddbPersistence;
  #state: RoomSnapshot = { link: "connecting", synced: false, unsaved: false, access: null, refused: null };
  #listeners = new Set<() => void>();
  #commentListeners = new Set<(notice: CommentNotice) => void>();
  #everConnected = false;
  #localSeq = 0;
  #ackedSeq = 0;
  #inFlight: number[] = [];
  #ackTimer: ReturnType<typeof setTimeout> | null = null;
  #onProblem: (message: string) => void;
  /** The offline copy holds edits from an earlier visit that no editable connection acknowledged. */
  #storedUnsent = false;
  #unsentFlagged = false;
  #destroyed = false;

  constructor(roomId: string, userId: string, onProblem: (message: string) => void) {
    this.#onProblem = onProblem;
    void deleteUnkeyedCopy(roomId);
    this.persistence = new IndexeddbPersistence(offlineCopyName(userId, roomId), this.doc);
    this.provider = new YProvider(API_HOST, roomId, this.doc, { party: "room", protocol: WS_PROTOCOL, connect: false });
    addReconnectJitter(this.provider);
    // Connect once the copy is loaded and its flag read, so the first acknowledgement is known
    // to cover edits from an earlier visit.
    void this.#readUnsentFlag().finally(() => {
      if (!this.#destroyed && !this.#state.refused) void this.provider.connect();
    });

    this.provider.on("status", ({ status }: { status: string }) => {
      if (status === "connected") {
        this.#everConnected = true;
        this.#inFlight = [];
        this.#update({ link: "connected" });
      } else if (this.#state.link !== "closed") {
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
      // Signed out (logout elsewhere, password change, token revoked): the tab's chat socket is
      // closed alike and App signs the tab out with one message; this one stays quiet.
      const signedOut = event?.code === RoomCloseCode.forbidden && event.reason === SIGNED_OUT_REASON;
      const reason = event && !signedOut ? closeMessage(ROOM_CLOSE, event.code) : undefined;
      if (reason) this.#onProblem(reason);
      // Access removed, signed out or the room deleted: final, so stop instead of reconnect-looping.
      if (event?.code === RoomCloseCode.forbidden || event?.code === RoomCloseCode.deleted) {
        this.provider.disconnect();
        this.#loseAccess(event.code === RoomCloseCode.deleted ? "deleted" : "no-access");
      }
    });
    this.doc.on("update", (_update: Uint8Array, origin: unknown) => {
      if (origin === this.provider || origin === this.persistence) return; // from the server, or the copy's own load
      this.#localSeq++;
      this.#flagUnsent();
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

  /** Comment threads created, changed or deleted by anyone (useCommentThreads). */
  onCommentNotice(listener: (notice: CommentNotice) => void): () => void {
    this.#commentListeners.add(listener);
    return () => this.#commentListeners.delete(listener);
  }

  /**
   * Drops edits a read-only connection could not save: deletes the offline copy. The caller
   * opens a new connection, since a Y.Doc cannot take edits back.
   */
  async discardUnsent(): Promise<void> {
    this.provider.disconnect();
    await this.persistence.clearData();
  }

  destroy(): void {
    this.#destroyed = true;
    window.removeEventListener("online", this.#onNetwork);
    window.removeEventListener("offline", this.#onNetwork);
    if (this.#ackTimer) clearTimeout(this.#ackTimer);
    this.provider.destroy();
    void this.persistence.destroy();
    this.doc.destroy();
  }

  #onNetwork = () => {
    if (this.#state.link === "closed") return;
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
    this.provider.sendMessage(JSON.stringify({ type: "hello" } satisfies HelloMessage));
  }

  async #readUnsentFlag(): Promise<void> {
    const timeout = new Promise<undefined>((resolve) => setTimeout(resolve, OFFLINE_COPY_WAIT_MS, undefined));
    const flag = await Promise.race([this.persistence.whenSynced.then(() => this.persistence.get(UNSENT_KEY)), timeout]).catch(() => undefined);
    if (flag !== 1) return;
    this.#storedUnsent = this.#unsentFlagged = true;
    this.#update({ unsaved: true });
  }

  #hasUnsent(): boolean {
    return this.#storedUnsent || this.#ackedSeq < this.#localSeq;
  }

  #flagUnsent(): void {
    if (this.#unsentFlagged || this.#state.refused?.reason === "no-access" || this.#state.refused?.reason === "deleted") return;
    this.#unsentFlagged = true;
    void this.persistence.set(UNSENT_KEY, 1).catch(() => {});
  }

  #clearUnsentFlag(): void {
    this.#storedUnsent = false;
    if (!this.#unsentFlagged) return;
    this.#unsentFlagged = false;
    void this.persistence.del(UNSENT_KEY).catch(() => {});
  }

  /** Access removed or the room deleted: the offline copy goes now; unsent edits stay on screen, marked. */
  #loseAccess(reason: "no-access" | "deleted"): void {
    this.#update({ refused: { reason, unsent: this.#hasUnsent() }, link: "closed", synced: false });
    void this.persistence.clearData();
  }

  #notice(raw: string): void {
    const notice = parseRoomNotice(raw);
    if (notice?.type === "access") {
      const acked = this.#inFlight.shift();
      const access = { role: notice.role, readOnly: notice.readOnly };
      if (notice.readOnly) {
        // A read-only connection's updates are dropped, so this reply acknowledges nothing.
        const unsent = this.#hasUnsent();
        this.#update({ access, unsaved: unsent, refused: unsent ? { reason: "read-only", unsent } : null });
        return;
      }
      if (this.#state.refused?.reason === "read-only") {
        // Editable again: reconnect so the sync sends what the read-only connection dropped.
        this.#update({ access, refused: null });
        this.provider.disconnect();
        void this.provider.connect();
        return;
      }
      if (acked !== undefined) this.#ackedSeq = Math.max(this.#ackedSeq, acked);
      // Any reply after the sync covers edits from an earlier visit: they went out in the sync.
      this.#storedUnsent = false;
      const unsaved = this.#ackedSeq < this.#localSeq;
      if (!unsaved) this.#clearUnsentFlag();
      this.#update({ access, unsaved });
    } else if (notice?.type === "comment-thread" || notice?.type === "comment-thread-deleted") {
      for (const listener of this.#commentListeners) listener(notice);
    } else if (notice?.type === "document-size") {
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
