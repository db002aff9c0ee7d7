// One room: a Durable Object holding the room's Yjs document and awareness, built on
// y-partyserver's YServer (which speaks the y-websocket sync + awareness protocol).
//
// What this class adds to YServer:
// - durability: every applied update is appended to SQLite in the same turn, before any
//   other client can see it (the output gate holds outgoing frames until the write commits);
// - frame policing: size limit, malformed frames and invalid updates close only their own
//   connection; a document over its cap refuses further growth;
// - compaction, snapshots to R2 on a debounced alarm, restore from R2 when storage is empty;
// - RPC methods the Worker's REST routes call.
import type { Connection, ConnectionContext, WSMessage } from "partyserver";
import { YServer } from "y-partyserver";
import * as Y from "yjs";
import type { Env } from "../env.ts";
import * as awarenessProtocol from "y-protocols/awareness";
import { type AwarenessClocks, encodeAwarenessRemoval, mergeClocks } from "./awareness.ts";
import { AwarenessOwners } from "./awareness-guard.ts";
import {
  type AwarenessEntry,
  byteLength,
  classifyFrame,
  encodeAwarenessEntries,
  syncStep1Frame,
  syncStep2Frame,
  toBytes,
} from "./frames.ts";
import { CloseCode, DOCUMENT_WARNING_RATIO, roomLimits, type RoomLimits } from "./limits.ts";
import { RateLimiter } from "../core/token-bucket.ts";
import { type RoomRole, TRUSTED_HEADERS } from "./identity.ts";
import { type ClosedSockets, type Credential, isRevoked, parseCredential, type Revocation, REVOKED_CLOSE_REASON } from "../core/credential.ts";
import {
  pruneAutoSnapshots,
  recentSnapshots,
  readSnapshotState,
  SNAPSHOT_DEBOUNCE_MS,
  SNAPSHOT_MAX_WAIT_MS,
  type SnapshotRequest,
  stateChecksum,
  type WrittenSnapshot,
  writeSnapshot,
} from "./snapshots.ts";
import { DocumentStorage } from "./storage.ts";
import { clearPending, hasMissingDependencies } from "./update-dependencies.ts";
import { RoomBroadcaster } from "./broadcast.ts";
import type { SnapshotRow } from "../db/schema.ts";
import { editorSchema } from "../shared/editor/schema.ts";
import { appendDocument, replaceDocument, restoreFromState } from "./document/convert.ts";

type ConnectionState = {
  userId: string;
  name: string;
  role: RoomRole;
  /** The session or token this socket was opened with: revoking it closes the socket. */
  credential?: Credential;
  /** Opened with a read-only token: stays a viewer whatever the membership role becomes. */
  readOnlyScope?: boolean;
  awarenessClocks?: AwarenessClocks;
  /** Updates refused for missing dependencies (see #refuseUnresolvable). */
  unresolved?: { count: number; bytes: number };
  /** Set once the client sent a custom message: only then may we send it text frames
   *  (the stock y-websocket client cannot parse them). */
  speaksCustomMessages?: boolean;
};
type RoomConnection = Connection<ConnectionState>;
type AwarenessChanges = { added: number[]; updated: number[]; removed: number[] };

/**
 * An honest client can send an update that depends on its own offline edits a moment before
 * the sync handshake delivers them; the room refuses it and asks for a resync (the client's
 * answer carries both). Past these bounds the connection is hostile or broken: 4400.
 */
const MAX_UNRESOLVED_UPDATES = 32;
const MAX_UNRESOLVED_BYTES = 256 * 1024;

/** Compact the update log once it holds this many updates or bytes. */
const COMPACT_AFTER_UPDATES = 500;
const COMPACT_AFTER_BYTES = 1024 * 1024;

const META_DIRTY_SINCE = "snapshot_dirty_since";
const META_LAST_CHECKSUM = "snapshot_last_checksum";

/** Origin of updates applied by the server itself (REST, restore, reload). */
export const SERVER_ORIGIN = "roomful-server";

/** How a server-side edit went; refusals are values, not exceptions, across RPC. */
export type EditOutcome = "applied" | "document_full" | "room_reset";

export class Room extends YServer {
  static options = { hibernate: true };
  // YServer's debounced onSave only drives compaction here; durability never waits for it.
  static callbackOptions = { debounceWait: 2_000, debounceMaxWait: 10_000 };

  #storage!: DocumentStorage;
  #limits!: RoomLimits;
  #persistFailed = false;
  #destroyed = false;
  #alarmAt: number | null = null;
  /** Frames per connection (limits.ts); in memory, so it starts full after a wake. */
  #frameBudget!: RateLimiter;
  /** When the first edit since the last snapshot happened (0: nothing to snapshot). */
  #dirtySince = 0;
  /** Sends stored updates and awareness changes to every socket (broadcast.ts). */
  #broadcaster!: RoomBroadcaster;
  /** Set once started: from then on YServer's own broadcasts find no connections. */
  #broadcasterOwnsSends = false;
  /**
   * The whole document as one update, answered to every client that joins with nothing, until
   * the next edit: a room that 200 people open at once encodes it once, not 200 times, and a
   * room loaded from a single stored update (a compacted state) sends those bytes as they are.
   */
  #fullState: Uint8Array | null = null;
  /** Which connection each awareness client id belongs to (awareness-guard.ts). */
  #awarenessOwners = new AwarenessOwners();

  get #env(): Env {
    return this.env as unknown as Env;
  }

  // ---- loading and persistence -------------------------------------------------

  /** Runs inside YServer.onStart before YServer registers its own listeners. */
  async onLoad(): Promise<void> {
    this.#limits = roomLimits(this.#env);
    this.#frameBudget = new RateLimiter(this.#limits.frameBurst, this.#limits.framesPerSecond);
    this.#storage = new DocumentStorage(this.ctx.storage);
    this.#dirtySince = Number(this.#storage.getMeta(META_DIRTY_SINCE) ?? "0");
    if (this.#storage.isEmpty()) await this.#restoreFromLatestSnapshot();
    const stored = this.#storage.load();
    const parts = [...(stored.state ? [stored.state] : []), ...stored.updates];
    if (parts.length === 1) this.#fullState = parts[0]!;
    this.document.transact(() => {
      if (stored.state) Y.applyUpdate(this.document, stored.state);
      for (const update of stored.updates) Y.applyUpdate(this.document, update);
    }, SERVER_ORIGIN);
    // Registered before YServer's listeners: an update is stored before anything else sees it.
    this.document.on("update", this.#persist);
    // Returning nothing: a returned Doc would be re-applied after our listener exists.
  }

  #persist = (update: Uint8Array): void => {
    // Never throw from a Yjs update listener: Yjs would stop emitting updates for this doc.
    try {
      this.#storage.append(update);
      this.#noteEdit();
    } catch (error) {
      console.error(`room ${this.name}: persisting an update failed`, error);
      // An update that is not stored must reach no one. The wedge check after apply then
      // resets the room to what storage holds.
      this.#persistFailed = true;
      return;
    }
    this.#fullState = null;
    this.#broadcaster.queueUpdate(update);
  };

  /**
   * YServer broadcasts updates and awareness through getConnections(); once the room has
   * started, the broadcaster sends those instead (merged, without reading every socket's
   * attachment), so YServer finds no one. Room code uses #connections().
   */
  override getConnections<T = unknown>(tag?: string): Iterable<Connection<T>> {
    return this.#broadcasterOwnsSends ? [] : super.getConnections<T>(tag);
  }

  #connections(): Iterable<RoomConnection> {
    return super.getConnections<ConnectionState>();
  }

  override async onStart(): Promise<void> {
    this.#broadcaster = new RoomBroadcaster(this.ctx, this.document.awareness);
    // After a wake, sockets that were open still own the awareness ids they announced.
    for (const connection of this.#connections()) {
      const state = connection.state;
      if (state) this.#awarenessOwners.adopt(connection.id, state.userId, Object.keys(state.awarenessClocks ?? {}).map(Number));
    }
    // YServer.onStart loads (onLoad above) and asks every socket still open after a wake for
    // what it has (sync step 1); that one broadcast goes through getConnections() as usual.
    await super.onStart();
    this.document.awareness.on("update", ({ added, updated, removed }: AwarenessChanges) => {
      this.#broadcaster.queueAwareness([...added, ...updated, ...removed]);
    });
    this.#broadcasterOwnsSends = true;
  }

  /** Newest snapshot that reads back intact; a corrupt or missing one falls back to older ones. */
  async #restoreFromLatestSnapshot(): Promise<void> {
    for (const snapshot of await recentSnapshots(this.#env, this.name, 5)) {
      try {
        const state = await readSnapshotState(this.#env, snapshot);
        if (!state) continue;
        this.#storage.compact(state);
        this.#storage.setMeta(META_LAST_CHECKSUM, snapshot.checksum);
        return;
      } catch (error) {
        console.error(`room ${this.name}: snapshot ${snapshot.id} unusable, trying an older one`, error);
      }
    }
  }

  /** Debounced by YServer; compacts the log when it has grown. */
  async onSave(): Promise<void> {
    if (this.#destroyed || this.#persistFailed) return;
    const { logCount, logBytes } = this.#storage.stats;
    if (logCount >= COMPACT_AFTER_UPDATES || logBytes >= COMPACT_AFTER_BYTES) this.compactNow();
  }

  /** Merges the log into one state (a single transaction). */
  compactNow(): void {
    this.#storage.compact(Y.encodeStateAsUpdate(this.document));
  }

  // ---- connections ---------------------------------------------------------------

  async onConnect(connection: RoomConnection, ctx: ConnectionContext): Promise<void> {
    // The Worker authorized this connection and set these headers itself, stripping any
    // the client sent; nothing else reaches the object (see src/api/rooms/room-socket-routes.ts).
    const headers = ctx.request.headers;
    const role = headers.get(TRUSTED_HEADERS.role) as RoomRole | null;
    const userId = headers.get(TRUSTED_HEADERS.userId);
    if (!role || !userId) {
      connection.close(CloseCode.forbidden, "Not authorized");
      return;
    }
    connection.setState({
      userId,
      name: decodeURIComponent(headers.get(TRUSTED_HEADERS.userName) ?? ""),
      role,
      credential: parseCredential(headers.get(TRUSTED_HEADERS.credential)) ?? undefined,
      readOnlyScope: headers.get(TRUSTED_HEADERS.scope) === "read",
    });
    await super.onConnect(connection, ctx);
  }

  /** `{"type":"hello"}` from a y-partyserver client opts it in to notices: its access, size warnings. */
  onCustomMessage(connection: RoomConnection, message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return this.#reject(connection, CloseCode.malformed, "Custom message is not JSON");
    }
    if ((parsed as { type?: unknown })?.type !== "hello") return;
    connection.setState((prev) => ({ ...(prev as ConnectionState), speaksCustomMessages: true }));
    this.#notify(connection, { type: "access", role: connection.state!.role, readOnly: this.isReadOnly(connection) });
    this.#warnIfNearlyFull(connection);
  }

  #notify(connection: RoomConnection, notice: Record<string, unknown>): void {
    if (connection.state?.speaksCustomMessages) this.sendCustomMessage(connection, JSON.stringify(notice));
  }

  isReadOnly(connection: RoomConnection): boolean {
    return connection.state?.role !== "editor";
  }

  onMessage(connection: RoomConnection, message: WSMessage): void | Promise<void> {
    if (this.#destroyed) return;
    if (byteLength(message) > this.#limits.maxMessageBytes) {
      this.#reject(connection, CloseCode.tooLarge, `Message over ${this.#limits.maxMessageBytes} bytes`);
      return;
    }
    if (this.#frameBudget.take(connection.id) > 0) {
      this.#reject(connection, CloseCode.rateLimited, "Too many messages; slow down");
      return;
    }
    if (typeof message === "string") {
      // y-partyserver's custom messages; anything else is not our protocol.
      if (!message.startsWith("__YPS:")) return this.#reject(connection, CloseCode.malformed, "Unexpected text frame");
      return super.onMessage(connection, message);
    }
    const frame = classifyFrame(toBytes(message));
    switch (frame.kind) {
      case "malformed":
        return this.#reject(connection, CloseCode.malformed, `Malformed frame: ${frame.reason}`);
      case "sync-step-1":
        if (frame.knowsNothing) return this.#sendFullState(connection);
        return super.onMessage(connection, message);
      case "update":
        return this.#applyClientUpdate(connection, frame.update);
      case "awareness":
        return this.#applyAwareness(connection, frame.entries);
      default:
        return super.onMessage(connection, message);
    }
  }

  /** Sync step 2 for a client with an empty document: the shared full-state encoding. */
  #sendFullState(connection: RoomConnection): void {
    this.#fullState ??= Y.encodeStateAsUpdate(this.document);
    connection.send(syncStep2Frame(this.#fullState));
  }

  /** Applies a client's update ourselves: y-protocols would swallow the errors we need to see. */
  #applyClientUpdate(connection: RoomConnection, update: Uint8Array): void {
    if (this.isReadOnly(connection)) return; // viewers' edits are dropped, never stored
    if (this.#storage.storedBytes + update.byteLength > this.#limits.maxDocumentBytes) {
      this.#reject(connection, CloseCode.documentFull, `Document is full (limit ${this.#limits.maxDocumentBytes} bytes)`);
      return;
    }
    let failed = false;
    let unresolved = false;
    try {
      unresolved = hasMissingDependencies(this.document, update);
      if (!unresolved) Y.applyUpdate(this.document, update, connection);
    } catch {
      failed = true;
    }
    // Whatever Yjs could not integrate must not stay in memory (the check above should
    // leave nothing; this is the backstop). What it did integrate was stored as usual.
    if (clearPending(this.document)) unresolved = true;
    if (this.#isWedged()) return this.#resetRoom();
    if (failed) return this.#reject(connection, CloseCode.malformed, "Invalid Yjs update");
    if (unresolved) this.#refuseUnresolvable(connection, update.byteLength);
  }

  /** An update with missing dependencies was dropped: ask for a resync, within bounds. */
  #refuseUnresolvable(connection: RoomConnection, bytes: number): void {
    const previous = connection.state?.unresolved ?? { count: 0, bytes: 0 };
    const unresolved = { count: previous.count + 1, bytes: previous.bytes + bytes };
    this.#storage.increment("rejected:unresolved");
    if (unresolved.count > MAX_UNRESOLVED_UPDATES || unresolved.bytes > MAX_UNRESOLVED_BYTES) {
      return this.#reject(connection, CloseCode.malformed, "Updates with missing dependencies");
    }
    connection.setState((prev) => ({ ...(prev as ConnectionState), unresolved }));
    connection.send(syncStep1Frame(this.document));
  }

  /** Applies the part of an awareness update this connection may make (awareness-guard.ts). */
  #applyAwareness(connection: RoomConnection, entries: AwarenessEntry[]): void {
    const state = connection.state!;
    const verdict = this.#awarenessOwners.filter({ connectionId: connection.id, userId: state.userId, name: state.name }, entries);
    if (!verdict.ok) return this.#reject(connection, CloseCode.tooLarge, verdict.reason);
    if (verdict.entries.length === 0) return;
    connection.setState((prev) => ({
      ...(prev as ConnectionState),
      awarenessClocks: mergeClocks(
        prev?.awarenessClocks as AwarenessClocks | undefined,
        new Map(verdict.entries.map((e) => [e.clientId, e.clock])),
      ),
    }));
    // The room's awareness listener queues the change for the broadcaster.
    awarenessProtocol.applyAwarenessUpdate(this.document.awareness, encodeAwarenessEntries(verdict.entries), connection);
  }

  /**
   * A corrupt update can leave Yjs mid-transaction (it then stops emitting updates), and a
   * failed SQLite write means memory is ahead of storage. Either way the only safe move is
   * to drop this instance and reload from storage, which holds every acknowledged edit.
   */
  #isWedged(): boolean {
    const pending = (this.document as unknown as { _transactionCleanups: unknown[] })._transactionCleanups;
    return this.#persistFailed || pending.length > 0;
  }

  #resetRoom(): void {
    for (const connection of this.#connections()) connection.close(CloseCode.reset, "Room reset; reconnect");
    this.ctx.abort("room document reset");
  }

  #reject(connection: RoomConnection, code: number, reason: string): void {
    this.#storage.increment(`rejected:${code}`);
    connection.close(code, reason.slice(0, 120));
  }

  onClose(connection: RoomConnection): void {
    this.#frameBudget.forget(connection.id);
    // Only the ids this socket still owns: a newer connection of the same user may have taken
    // one over (YServer's own onClose would remove it from under them).
    const owned = Object.entries(connection.state?.awarenessClocks ?? {})
      .map(([id, clock]) => [Number(id), clock] as [number, number])
      .filter(([id]) => this.#awarenessOwners.owner(id) === connection.id);
    this.#awarenessOwners.release(connection.id);
    const known = owned.filter(([id]) => this.document.awareness.states.has(id)).map(([id]) => id);
    if (known.length > 0) awarenessProtocol.removeAwarenessStates(this.document.awareness, known, null);
    // After a wake the awareness map is empty, so peers are told about the rest directly.
    const forgotten = owned.filter(([id]) => !this.document.awareness.states.has(id) && !known.includes(id));
    if (forgotten.length > 0) {
      const removal = encodeAwarenessRemoval(forgotten);
      for (const other of this.#connections()) if (other.id !== connection.id) other.send(removal);
    }
  }

  #warnIfNearlyFull(connection?: RoomConnection): void {
    const used = this.#storage.storedBytes;
    if (used < this.#limits.maxDocumentBytes * DOCUMENT_WARNING_RATIO) return;
    const notice = { type: "document-size", bytes: used, limit: this.#limits.maxDocumentBytes };
    for (const target of connection ? [connection] : this.#connections()) this.#notify(target, notice);
  }

  // ---- snapshots -------------------------------------------------------------------

  /** Schedules the snapshot alarm: debounced after edits, but never later than MAX_WAIT. */
  #noteEdit(): void {
    const now = Date.now();
    if (!this.#dirtySince) {
      this.#dirtySince = now;
      this.#storage.setMeta(META_DIRTY_SINCE, String(now)); // once per snapshot period, not per edit
    }
    const due = Math.min(now + SNAPSHOT_DEBOUNCE_MS, this.#dirtySince + SNAPSHOT_MAX_WAIT_MS);
    // Moving the alarm on every keystroke is wasted work; a second of slack is fine.
    if (this.#alarmAt === null || Math.abs(this.#alarmAt - due) > 1_000) {
      this.#alarmAt = due;
      void this.ctx.storage.setAlarm(due);
    }
  }

  #markClean(): void {
    this.#dirtySince = 0;
    this.#storage.setMeta(META_DIRTY_SINCE, "0");
  }

  /**
   * Edits keep moving the alarm to 30 s after the latest one (but no later than 3 minutes
   * after the first), so when it fires the room has been quiet or busy for too long.
   */
  async onAlarm(): Promise<void> {
    this.#alarmAt = null;
    if (this.#destroyed || !this.#dirtySince) return;
    await this.snapshot({ reason: "auto", by: null, label: null });
  }

  /**
   * Writes a snapshot to R2 and D1. Automatic snapshots are skipped when the content is
   * unchanged since the last one; manual and restore ones equal to a kept snapshot answer it
   * (`reused`). Null: nothing written, either an unchanged automatic snapshot or a manual one
   * refused because the room keeps KEPT_SNAPSHOTS_MAX already. A throw or a refusal leaves
   * the room dirty so the alarm still takes an automatic one.
   */
  async snapshot(request: SnapshotRequest): Promise<WrittenSnapshot | null> {
    await this.#ready();
    // Clean before the await: an edit arriving meanwhile marks the room dirty again.
    const wasDirty = this.#dirtySince !== 0;
    this.#markClean();
    const checksum = await stateChecksum(this.document);
    const unchanged = checksum === this.#storage.getMeta(META_LAST_CHECKSUM);
    if (unchanged && request.reason === "auto") return null;
    try {
      const row = await writeSnapshot(this.#env, this.name, this.document, request);
      if (row === "limit_reached") {
        if (wasDirty) this.#noteEdit();
        return null;
      }
      this.#storage.setMeta(META_LAST_CHECKSUM, row.checksum);
      if (request.reason === "auto") await pruneAutoSnapshots(this.#env, this.name);
      return row;
    } catch (error) {
      this.#noteEdit(); // still dirty: the alarm tries again
      throw error;
    }
  }

  // ---- RPC for the Worker's REST routes ------------------------------------------------

  /** Plain RPC calls skip partyserver's start-up; this runs onStart (and onLoad) if needed. */
  async #ready(): Promise<void> {
    await this.setName(this.name);
  }

  async getState(): Promise<Uint8Array> {
    await this.#ready();
    return Y.encodeStateAsUpdate(this.document);
  }

  /**
   * Replaces or appends content (ProseMirror JSON text in the editor's schema) as one Yjs
   * transaction on the live document: editors see it at once and keep typing. Replace
   * diffs against the current content, so untouched paragraphs (and edits in them) stay.
   */
  async editDocument(operation: "replace" | "append", contentJson: string, approximateBytes: number): Promise<EditOutcome> {
    await this.#ready();
    if (this.#storage.storedBytes + approximateBytes > this.#limits.maxDocumentBytes) return "document_full";
    const node = editorSchema.nodeFromJSON(JSON.parse(contentJson));
    if (operation === "replace") replaceDocument(this.document, node, SERVER_ORIGIN);
    else appendDocument(this.document, node, SERVER_ORIGIN);
    return this.#afterServerEdit();
  }

  /** Makes the content equal to an old state's, as a new edit: nothing is rewritten. */
  async restoreState(state: Uint8Array, by: string | null, label: string | null): Promise<SnapshotRow | EditOutcome> {
    await this.#ready();
    if (this.#storage.storedBytes + state.byteLength > this.#limits.maxDocumentBytes) return "document_full";
    restoreFromState(this.document, state, SERVER_ORIGIN);
    const outcome = this.#afterServerEdit();
    if (outcome !== "applied") return outcome;
    return (await this.snapshot({ reason: "restore", by, label }))!;
  }

  #afterServerEdit(): EditOutcome {
    if (this.#isWedged()) {
      this.#resetRoom();
      return "room_reset";
    }
    this.#warnIfNearlyFull();
    return "applied";
  }

  async stats() {
    await this.#ready();
    return {
      ...this.#storage.stats,
      storedBytes: this.#storage.storedBytes,
      limits: this.#limits,
      connections: [...this.#connections()].length,
      rejectedFrames: {
        malformed: Number(this.#storage.getMeta(`rejected:${CloseCode.malformed}`) ?? 0),
        tooLarge: Number(this.#storage.getMeta(`rejected:${CloseCode.tooLarge}`) ?? 0),
        documentFull: Number(this.#storage.getMeta(`rejected:${CloseCode.documentFull}`) ?? 0),
        rateLimited: Number(this.#storage.getMeta(`rejected:${CloseCode.rateLimited}`) ?? 0),
        missingDependencies: Number(this.#storage.getMeta("rejected:unresolved") ?? 0),
      },
    };
  }

  /** Users with an open connection (the Worker re-checks them when room access rules change). */
  async connectedUserIds(): Promise<string[]> {
    await this.#ready();
    const ids = new Set<string>();
    for (const connection of this.#connections()) {
      if (connection.state?.userId) ids.add(connection.state.userId);
    }
    return [...ids];
  }

  /** A member's role changed or they were removed: apply it to their open connections. */
  async updateMemberAccess(userId: string, role: RoomRole | null): Promise<void> {
    await this.#ready();
    for (const connection of this.#connections()) {
      if (connection.state?.userId !== userId) continue;
      if (role === null) {
        connection.close(CloseCode.forbidden, "Access removed");
      } else {
        const granted = connection.state.readOnlyScope ? "viewer" : role;
        connection.setState((prev) => ({ ...(prev as ConnectionState), role: granted }));
        this.#notify(connection, { type: "access", role: granted, readOnly: granted === "viewer" });
      }
    }
  }

  /**
   * A credential was revoked or its user deleted: close the matching sockets (4403). Skips
   * #ready(): a room with none of them is not loaded just to find that out.
   */
  async closeCredential(userId: string, revocation: Revocation): Promise<ClosedSockets> {
    let closed = 0;
    let remaining = 0;
    for (const connection of this.#connections()) {
      if (connection.state?.userId !== userId) continue;
      if (isRevoked(connection.state.credential, revocation)) {
        connection.close(CloseCode.forbidden, REVOKED_CLOSE_REASON);
        closed++;
      } else {
        remaining++;
      }
    }
    return { closed, remaining };
  }

  /** Called when the room is deleted: close every connection and drop all storage. */
  async destroy(): Promise<void> {
    this.#destroyed = true;
    for (const connection of this.#connections()) connection.close(CloseCode.deleted, "Room deleted");
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }
}
