// One room: a Durable Object holding the room's Yjs document and awareness, built on
// y-partyserver's YServer (which speaks the y-websocket sync + awareness protocol). The class
// only wires the helpers beside it:
// - durability (storage.ts): group commit. Every update is applied at once and staged; the
//   staged updates are written in one SQLite transaction before anything derived from them
//   leaves the room (the broadcaster's flush, a joiner's sync answer, REST reads, snapshots:
//   #stored()), and the output gate holds those frames until the write commits. A crash loses
//   only updates nobody else has seen; their senders re-send them on reconnect (sync step 1/2).
//   compaction.ts merges the log once it has grown;
// - frame-policy.ts: size limit, frame budget, malformed frames and invalid updates close only
//   their own connection, counted; a document over its cap refuses further growth;
// - awareness-guard.ts: an awareness client id belongs to the connection that announced it;
// - broadcast.ts: the one path for what every socket gets (updates, awareness), merged;
//   notices.ts: JSON notices (src/shared/room-protocol.ts) to clients that said hello;
// - snapshot-schedule.ts: snapshots to R2 on a debounced alarm, restore from R2 when storage is empty;
// - comments/: comment threads in the room's SQLite, anchored to the document by relative positions;
// - RPC methods the Worker's REST routes call (stub.ts).
import type { Connection, ConnectionContext, WSMessage } from "partyserver";
import { YServer } from "y-partyserver";
import * as Y from "yjs";
import type { Env } from "../env.ts";
import * as awarenessProtocol from "y-protocols/awareness";
import { type AwarenessClocks, encodeAwarenessRemoval, mergeClocks } from "./awareness.ts";
import { AwarenessOwners } from "./awareness-guard.ts";
import { awarenessStatesFrame, encodeAwarenessEntries, type ReceivedAwarenessEntry, syncStep1Frame, syncStep2Frame } from "./frames.ts";
import { roomLimits, type RoomLimits } from "./limits.ts";
import { type ConnectionRole, parseClientMessage, RoomCloseCode, type RoomNotice } from "../shared/room-protocol.ts";
import { connectionIdentity } from "./connection-identity.ts";
import { type ClosedSockets, type Credential, isRevoked, type Revocation, REVOKED_CLOSE_REASON } from "../core/credential.ts";
import type { SnapshotRequest, WrittenSnapshot } from "./snapshots.ts";
import { SnapshotSchedule } from "./snapshot-schedule.ts";
import { noteDocumentEdit } from "../core/search-events.ts";
import { CompactionSchedule, logIsLong } from "./compaction.ts";
import { type AdmittedFrame, FramePolicy, type UnresolvedTally } from "./frame-policy.ts";
import { accessNotice, documentSizeNotice, encodeNotice } from "./notices.ts";
import { DocumentStorage } from "./storage.ts";
import { clearPending } from "./update-dependencies.ts";
import { RoomBroadcaster } from "./broadcast.ts";
import type { SnapshotRow } from "../db/schema.ts";
import { editorSchema } from "../shared/editor/schema.ts";
import { appendDocument, replaceDocument, restoreFromState } from "./document/convert.ts";
import { type AnchorRequest, type CommentActor, CommentThreads, type ThreadChange } from "./comments/threads.ts";
import type { Thread, ThreadStatus } from "../shared/comments.ts";
import { config } from "../core/config.ts";
import { mentionContext, mentionsIn, type NewMention } from "./document/mentions.ts";
import { notifyLater } from "../core/notifications.ts";
import { MAX_MENTIONS } from "../shared/mentions.ts";
import { documentETag, type Precondition, underPrecondition } from "./document/etag.ts";
import { replaceTrailingBlocks } from "./document/stream-append.ts";
import { UNKNOWN_AUTHOR } from "./attribution/store.ts";
import { changesBetween, type ChangeRun } from "./attribution/changes.ts";

type ConnectionState = {
  userId: string;
  name: string;
  role: ConnectionRole;
  /** The session or token this socket was opened with: revoking it closes the socket. */
  credential?: Credential;
  /** Opened with a read-only token: stays a viewer whatever the membership role becomes. */
  readOnlyScope?: boolean;
  awarenessClocks?: AwarenessClocks;
  /** Updates refused for missing dependencies (frame-policy.ts). */
  unresolved?: UnresolvedTally;
  /** Set once the client sent a custom message: only then may we send it text frames
   *  (the stock y-websocket client cannot parse them). */
  speaksCustomMessages?: boolean;
};
type RoomConnection = Connection<ConnectionState>;
type AwarenessChanges = { added: number[]; updated: number[]; removed: number[] };

/** A refused connection still has its queued frames delivered; it is answered nothing. */
function sendIfOpen(connection: Connection, frame: Uint8Array): void {
  if (connection.readyState !== WebSocket.READY_STATE_OPEN) return;
  try {
    connection.send(frame);
  } catch {
    // closing under us; its onClose does the bookkeeping
  }
}

/**
 * A joiner's upgrade is answered before the stored document is applied. One that has not sent
 * sync step 1 after this long is greeted the stock way (which needs the document applied). Stock
 * clients send it on open, so it arrives one round trip after the upgrade's answer: this is well
 * above a slow mobile network's round trip, or every such client would apply the document.
 */
export const GREET_SILENT_AFTER_MS = 2_000;

/** Origin of updates applied by the server itself (REST, restore, reload). */
export const SERVER_ORIGIN = "roomful-server";

/** How a server-side edit went; refusals are values, not exceptions, across RPC. */
export type EditOutcome = "applied" | "document_full" | "room_reset";
/** A REST edit's outcome with the document's ETag after it (or the current one when refused). */
export type DocumentEditResult = { outcome: EditOutcome | "precondition_failed"; etag: string };

export class Room extends YServer {
  static options = { hibernate: true };

  #storage!: DocumentStorage;
  #limits!: RoomLimits;
  #frames!: FramePolicy;
  #snapshots!: SnapshotSchedule;
  #comments!: CommentThreads;
  #compaction = new CompactionSchedule(() => this.#compactIfLong());
  /** Sends stored updates and awareness changes to every socket (broadcast.ts). */
  #broadcaster!: RoomBroadcaster;
  /** Which connection each awareness client id belongs to (awareness-guard.ts). */
  #awarenessOwners = new AwarenessOwners();
  /** Who edited since the last document.updated event (takeEditors); in memory: a wake forgets them. */
  #editors = new Set<string>();
  #persistFailed = false;
  #resetting = false;
  #destroyed = false;
  /**
   * The whole document as one update, answered to every client that joins with nothing, until
   * the next edit: a room that 200 people open at once encodes it once, not 200 times, and a
   * room loaded from a single stored update (a compacted state) sends those bytes as they are.
   */
  #fullState: Uint8Array | null = null;
  /** The stored document, read at start and not yet applied (#documentReady); null once applied. */
  #unapplied: Uint8Array[] | null = null;
  /** Connections that joined before the apply and have not sent sync step 1 yet. */
  #ungreeted = new Set<string>();
  /** The timer that greets them if they stay silent (one for all of them). */
  #greetLater: ReturnType<typeof setTimeout> | null = null;
  /**
   * Connections answered with the stored bytes before the apply: they joined with nothing, so
   * they hold no edit the room lacks (what they type comes as updates) and the apply does not
   * ask them. A room that 200 readers opened would otherwise get 200 answers at its first edit,
   * each carrying the document's whole delete set.
   */
  #servedStoredBytes = new Set<string>();
  /** Whose edit is being applied: every stored id range is attributed to it (attribution/). */
  #author: string = UNKNOWN_AUTHOR;
  /** Whom the document's own clientID (server edits) is attributed to; one author per clientID. */
  #serverClientAuthor: string | null = null;

  get #env(): Env {
    return this.env as unknown as Env;
  }

  // ---- start: loading, persistence and the broadcast path ----------------------------

  /**
   * Replaces YServer.onStart, whose listeners send updates and awareness to every socket through
   * getConnections() (which reads every socket's attachment, one frame at a time). Here the
   * broadcaster is the only listener that sends to all; custom messages go through
   * broadcastCustomMessage below, and every incoming frame through onMessage.
   *
   * Start-up reads the stored document but does not apply it: partyserver answers a socket's
   * upgrade only after onStart (and onConnect), and applying a large document is most of a cold
   * room's start. The document is applied by whatever needs it first (#documentReady): an edit,
   * a sync step 1 with a state vector, an RPC, the alarm, or a joiner that stays silent. Readers
   * that join with nothing are answered with the stored bytes, and presence and notices need no
   * document, so a room that people only open and look at never applies it.
   */
  override async onStart(): Promise<void> {
    this.#broadcaster = new RoomBroadcaster(this.ctx, this.document.awareness, this.#storedBeforeBroadcast);
    // After a wake, sockets that were open still own the awareness ids they announced.
    for (const connection of this.#connections()) {
      const state = connection.state;
      if (state) this.#awarenessOwners.adopt(connection.id, state.userId, Object.keys(state.awarenessClocks ?? {}).map(Number));
    }
    this.document.awareness.on("update", ({ added, updated, removed }: AwarenessChanges) => {
      this.#broadcaster.queueAwareness([...added, ...updated, ...removed]);
    });
    await this.#readStored();
  }

  async #readStored(): Promise<void> {
    this.#limits = roomLimits(this.#env);
    this.#storage = new DocumentStorage(this.ctx.storage);
    this.#frames = new FramePolicy(this.#limits, this.#storage);
    this.#snapshots = new SnapshotSchedule({
      env: this.#env,
      roomName: this.name,
      storage: this.#storage,
      document: this.document,
      setAlarm: (at) => void this.ctx.storage.setAlarm(at),
    });
    const vars = config(this.#env);
    this.#comments = new CommentThreads(
      this.ctx.storage,
      this.document,
      { threadsPerRoom: vars.COMMENT_THREADS_PER_ROOM, commentsPerThread: vars.COMMENTS_PER_THREAD, bytesPerRoom: vars.COMMENT_BYTES_PER_ROOM },
      (change) => this.#announceComments(change),
    );
    if (this.#storage.isEmpty()) await this.#snapshots.restoreLatest();
    const stored = this.#storage.load();
    this.#unapplied = [...(stored.state ? [stored.state] : []), ...stored.updates];
    if (this.#unapplied.length === 1) this.#fullState = this.#unapplied[0]!;
    // A new room has nothing to apply: it starts ready, and greets joiners the stock way.
    if (this.#unapplied.length === 0) this.#documentReady();
  }

  /**
   * Applies the stored document once, synchronously (callers need no await), then starts the
   * listeners and asks the identified sockets for the edits the room lacks (sync step 1): the
   * sockets that joined before it (but those answered with the stored bytes), and after a wake
   * the ones still open, which may hold edits the room never got.
   */
  #documentReady(): void {
    if (!this.#unapplied) return;
    const parts = this.#unapplied;
    this.#unapplied = null;
    const served = this.#servedStoredBytes;
    this.#servedStoredBytes = new Set();
    this.#ungreeted.clear();
    if (this.#greetLater !== null) clearTimeout(this.#greetLater);
    this.document.transact(() => {
      for (const part of parts) Y.applyUpdate(this.document, part);
    }, SERVER_ORIGIN);
    // The first update listener: an update is stored before anything else sees it.
    this.document.on("update", this.#persist);
    const askForEdits = syncStep1Frame(this.document);
    for (const connection of this.#connections()) if (connection.state && !served.has(connection.id)) sendIfOpen(connection, askForEdits);
  }

  /** #documentReady(); a stored document that cannot be applied resets the room (false). */
  #documentReadyOrReset(): boolean {
    try {
      this.#documentReady();
      return true;
    } catch (error) {
      console.error(`room ${this.name}: applying the stored document failed`, error);
      this.#resetRoom();
      return false;
    }
  }

  #persist = (update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    // Never throw from a Yjs update listener: Yjs would stop emitting updates for this doc.
    try {
      this.#storage.stage(update); // written by the flush that broadcasts it (group commit)
      this.#storage.attribution.stage(transaction, this.#author); // the same commit writes who made it
      this.#snapshots.noteEdit();
      this.#comments.noteEdit();
      noteDocumentEdit(this.ctx, this.#env, this.name);
    } catch (error) {
      console.error(`room ${this.name}: persisting an update failed`, error);
      this.#persistFailed = true;
      return;
    }
    this.#compaction.noteEdit();
    this.#fullState = null;
    this.#broadcaster.noteUpdate();
  };

  /**
   * Writes every staged update (one transaction) so that what is sent next carries only stored
   * updates. False if the write failed: memory is then ahead of storage, and the caller must
   * send nothing; the room resets to what storage holds.
   */
  #stored(): boolean {
    if (this.#persistFailed) return false;
    try {
      this.#storage.commit();
      return true;
    } catch (error) {
      console.error(`room ${this.name}: storing updates failed`, error);
      this.#persistFailed = true;
      return false;
    }
  }

  /** The broadcaster's commit: may run inside a Yjs listener, so the reset waits for it to return. */
  #storedBeforeBroadcast = (): Uint8Array[] | null => {
    if (this.#stored()) return this.#storage.takeCommitted();
    queueMicrotask(() => this.#resetRoom());
    return null;
  };

  /** #stored() for a path that answers someone: a failed write resets the room now. */
  #storedOrReset(): boolean {
    if (this.#stored()) return true;
    this.#resetRoom();
    return false;
  }

  /**
   * YServer's custom-message broadcast, to every connection that opted in with `hello` (a text
   * frame would break the stock y-websocket client); `excludeConnection` is skipped.
   */
  override broadcastCustomMessage(message: string, excludeConnection?: Connection): void {
    for (const connection of this.#connections()) {
      if (connection.id !== excludeConnection?.id && connection.state?.speaksCustomMessages) this.#sendText(connection, message);
    }
  }

  /** YServer's frame handler applies updates and relays awareness unchecked: frames go through onMessage. */
  override handleMessage(connection: Connection, message: WSMessage): void {
    this.onMessage(connection as RoomConnection, message);
  }

  #connections(): Iterable<RoomConnection> {
    return this.getConnections<ConnectionState>();
  }

  /**
   * The cap is on the document, not on its uncompacted log. Under a steady flood the compaction
   * timer never fires (the runtime runs timers when no message waits), so a fast writer would fill
   * the cap with log alone: an edit that would cross it compacts first, in its own turn.
   */
  #makeRoomFor(bytes: number): void {
    if (this.#storage.storedBytes + bytes > this.#limits.maxDocumentBytes) this.#compactIfLong();
  }

  #compactIfLong(): void {
    if (this.#destroyed || this.#persistFailed) return;
    try {
      if (logIsLong(this.#storage.stats)) this.compactNow();
    } catch (error) {
      console.error(`room ${this.name}: compaction failed`, error);
    }
  }

  /** Merges the log into one state (a single transaction); the state includes staged updates. */
  compactNow(): void {
    if (this.#persistFailed) return;
    this.#documentReady();
    const state = Y.encodeStateAsUpdate(this.document);
    this.#storage.compact(state);
    // The stored state is the whole document: joiners with nothing get these bytes until the next edit.
    this.#fullState = state;
  }

  // ---- connections ---------------------------------------------------------------

  async onConnect(connection: RoomConnection, ctx: ConnectionContext): Promise<void> {
    // Only the Worker's signature for this room admits a connection (connection-identity.ts).
    // Awaiting here is safe: partyserver hands the client its socket only after onConnect.
    const who = await connectionIdentity(this.#env, this.name, ctx.request);
    if (!who) {
      connection.close(RoomCloseCode.forbidden, "Not authorized");
      return;
    }
    connection.setState(who);
    if (this.#unapplied) {
      // The socket opens now, with the others' presence. Stock clients send sync step 1 at once
      // and are answered from it; the greeting (the room's state vector, which asks a client for
      // the edits the room lacks) needs the document, so only a silent client gets it, in a moment.
      this.#sendAwarenessStates(connection);
      this.#ungreeted.add(connection.id);
      this.#greetLater ??= setTimeout(() => this.#greetSilentJoiners(), GREET_SILENT_AFTER_MS);
      return;
    }
    // YServer sends the document's state vector and every awareness state: stored ones only.
    if (!this.#storedOrReset()) return;
    await super.onConnect(connection, ctx);
  }

  /** Applying the document greets every socket (#documentReady); nothing to do if all spoke. */
  #greetSilentJoiners(): void {
    this.#greetLater = null;
    if (this.#ungreeted.size > 0) this.#documentReadyOrReset();
  }

  /** Every awareness state the room holds, to one joiner (as YServer.onConnect sends them). */
  #sendAwarenessStates(connection: RoomConnection): void {
    const states = this.document.awareness.getStates();
    if (states.size === 0) return;
    sendIfOpen(connection, awarenessStatesFrame(this.document.awareness, [...states.keys()]));
  }

  /** `{"type":"hello"}` from a y-partyserver client opts it in to notices: its access, size warnings. */
  onCustomMessage(connection: RoomConnection, message: string): void {
    const parsed = parseClientMessage(message);
    if (parsed === "not-json") return void this.#frames.reject(connection, RoomCloseCode.malformed, "Custom message is not JSON");
    if (!parsed) return;
    // The answer to a hello acknowledges the edits this client sent before it (the client's
    // "unsaved changes"), so those edits are stored first.
    if (!this.#storedOrReset()) return;
    connection.setState((prev) => ({ ...(prev as ConnectionState), speaksCustomMessages: true }));
    this.#notify(connection, accessNotice(connection.state!.role));
    const size = this.#sizeNotice();
    if (size) this.#notify(connection, size);
  }

  #notify(connection: RoomConnection, notice: RoomNotice): void {
    if (connection.state?.speaksCustomMessages) this.#sendText(connection, encodeNotice(notice));
  }

  /** A notice to one socket; one that is closing is skipped (a send would throw into the caller, an RPC or a frame). */
  #sendText(connection: RoomConnection, text: string): void {
    if (connection.readyState !== WebSocket.READY_STATE_OPEN) return;
    try {
      this.sendCustomMessage(connection, text);
    } catch {
      // closing under us; its onClose does the bookkeeping
    }
  }

  #sizeNotice(): RoomNotice | null {
    return documentSizeNotice(this.#storage.storedBytes, this.#limits.maxDocumentBytes);
  }

  isReadOnly(connection: RoomConnection): boolean {
    return connection.state?.role !== "editor";
  }

  /** Sockets that partyserver has handed a frame of to onMessage in this instance. */
  #admittedSockets = new WeakSet<object>();

  /**
   * partyserver re-reads the socket's attachment on every frame to check that the socket is its
   * own (a native deserialization: 8% of the room's CPU under a flood of edits). The first frame
   * of each socket in this instance goes through it (which also finishes the room's start);
   * later ones come straight to onMessage.
   */
  override async webSocketMessage(ws: WebSocket, message: WSMessage): Promise<void> {
    if (!this.#admittedSockets.has(ws)) return super.webSocketMessage(ws, message);
    try {
      this.onMessage(ws as unknown as RoomConnection, message);
    } catch (error) {
      console.error(`room ${this.name}: a frame failed`, error);
    }
  }

  onMessage(connection: RoomConnection, message: WSMessage): void {
    this.#admittedSockets.add(connection);
    if (this.#destroyed) return;
    const frame = this.#frames.admit(connection, message); // null: refused, the connection is closing
    if (!frame) return;
    if (this.#unapplied) {
      if (this.#answeredUnapplied(connection, frame)) return;
      if (!this.#documentReadyOrReset()) return;
    }
    switch (frame.kind) {
      case "custom":
        return this.onCustomMessage(connection, frame.text);
      case "sync-step-1":
        return this.#answerSyncStep1(connection, frame.stateVector, frame.knowsNothing);
      case "update":
        return this.#applyClientUpdate(connection, frame.update);
      case "awareness":
        return this.#applyAwareness(connection, frame.entries);
      // "other": a message type the room does not use, ignored as y-websocket servers do.
    }
  }

  /**
   * A frame that needs no document, before the room applied it: presence, notices, and a joiner
   * that knows nothing (it has no edits to ask for, and a document stored as one piece is the
   * whole answer; nothing unstored exists yet). False: the caller applies the document first.
   */
  #answeredUnapplied(connection: RoomConnection, frame: AdmittedFrame): boolean {
    switch (frame.kind) {
      case "custom":
        this.onCustomMessage(connection, frame.text);
        return true;
      case "awareness":
        this.#applyAwareness(connection, frame.entries);
        return true;
      case "other":
        return true;
      case "sync-step-1":
        if (!frame.knowsNothing || !this.#fullState) return false;
        this.#ungreeted.delete(connection.id);
        this.#servedStoredBytes.add(connection.id);
        sendIfOpen(connection, syncStep2Frame(this.#fullState));
        return true;
      case "update":
        return false;
    }
  }

  /** Sync step 2: what the client lacks; a client with nothing gets the shared full-state encoding. */
  #answerSyncStep1(connection: RoomConnection, stateVector: Uint8Array, knowsNothing: boolean): void {
    if (!this.#storedOrReset()) return;
    if (!knowsNothing) return sendIfOpen(connection, syncStep2Frame(Y.encodeStateAsUpdate(this.document, stateVector)));
    this.#fullState ??= Y.encodeStateAsUpdate(this.document);
    sendIfOpen(connection, syncStep2Frame(this.#fullState));
  }

  /** Applies a client's update ourselves: y-protocols would swallow the errors we need to see. */
  #applyClientUpdate(connection: RoomConnection, update: Uint8Array): void {
    if (this.isReadOnly(connection)) return; // viewers' edits are dropped, never stored
    this.#makeRoomFor(update.byteLength);
    if (!this.#frames.admitsGrowth(connection, update.byteLength)) return;
    let failed = false;
    try {
      this.#as(connection.state!.userId, () => Y.applyUpdate(this.document, update, connection));
    } catch {
      failed = true;
    }
    // What Yjs integrated is staged like any edit; what it could not (missing dependencies) it
    // holds as pending, which must not stay in memory: it is dropped here, in the same turn,
    // and the sender asked to resync. Checking before the apply would decode every update twice.
    const unresolved = clearPending(this.document);
    // A refused update does not make its sender an author of the document.updated event.
    if (!failed && !unresolved) this.#editors.add(connection.state!.userId);
    if (this.#isWedged()) return this.#resetRoom();
    if (failed) return void this.#frames.reject(connection, RoomCloseCode.malformed, "Invalid Yjs update");
    if (unresolved) return this.#refuseUnresolvable(connection, update.byteLength);
    this.#notifyMentions(connection, update);
  }

  /** Whom an editor's new @mentions name are notified (the job checks they may view the room). */
  #notifyMentions(connection: RoomConnection, update: Uint8Array): void {
    let mentions: NewMention[];
    try {
      mentions = mentionsIn(update).slice(0, MAX_MENTIONS);
    } catch {
      return; // applied fine, so this cannot really fail; a mention is not worth a reset
    }
    for (const mention of mentions) {
      const context = mentionContext(this.document, mention.key);
      notifyLater(this.ctx, this.#env, {
        kind: "mention",
        roomId: this.name,
        actorId: connection.state!.userId,
        userIds: [mention.userId],
        excerpt: context?.text ?? "",
        url: `/#/rooms/${this.name}?block=${context?.block ?? 0}`,
        sourceId: `document:${this.name}:${mention.key}`,
      });
    }
  }

  /** An update with missing dependencies was dropped: ask for a resync, within bounds. */
  #refuseUnresolvable(connection: RoomConnection, bytes: number): void {
    const unresolved = this.#frames.refuseUnresolvable(connection, connection.state?.unresolved, bytes);
    if (!unresolved) return;
    connection.setState((prev) => ({ ...(prev as ConnectionState), unresolved }));
    if (this.#storedOrReset()) sendIfOpen(connection, syncStep1Frame(this.document));
  }

  /** Applies the part of an awareness update this connection may make (awareness-guard.ts). */
  #applyAwareness(connection: RoomConnection, entries: ReceivedAwarenessEntry[]): void {
    const state = connection.state!;
    const verdict = this.#awarenessOwners.filter({ connectionId: connection.id, userId: state.userId, name: state.name }, entries);
    if (!verdict.ok) return void this.#frames.reject(connection, RoomCloseCode.tooLarge, verdict.reason);
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
    if (this.#resetting) return;
    this.#resetting = true;
    for (const connection of this.#connections()) connection.close(RoomCloseCode.reset, "Room reset; reconnect");
    this.ctx.abort("room document reset");
  }

  onClose(connection: RoomConnection): void {
    this.#frames.forget(connection.id);
    this.#ungreeted.delete(connection.id);
    this.#servedStoredBytes.delete(connection.id);
    // Only the ids this socket still owns: a newer connection of the same user may have taken
    // one over (YServer's own onClose would remove it from under them).
    const owned = Object.entries(connection.state?.awarenessClocks ?? {})
      .map(([id, clock]) => [Number(id), clock] as [number, number])
      .filter(([id]) => this.#awarenessOwners.owner(id) === connection.id);
    this.#awarenessOwners.release(connection.id);
    const known = owned.filter(([id]) => this.document.awareness.states.has(id)).map(([id]) => id);
    if (known.length > 0) awarenessProtocol.removeAwarenessStates(this.document.awareness, known, null);
    // After a wake (and before the document is applied) the awareness map is empty, so peers are
    // told about the rest directly.
    const forgotten = owned.filter(([id]) => !this.document.awareness.states.has(id) && !known.includes(id));
    if (forgotten.length > 0) {
      const removal = encodeAwarenessRemoval(forgotten);
      for (const other of this.#connections()) if (other.id !== connection.id) sendIfOpen(other, removal);
    }
  }

  // ---- snapshots (snapshot-schedule.ts) ---------------------------------------------

  async onAlarm(): Promise<void> {
    if (this.#destroyed || !this.#documentReadyOrReset()) return;
    if (this.#storedOrReset()) await this.#snapshots.onAlarm();
  }

  async snapshot(request: SnapshotRequest): Promise<WrittenSnapshot | null> {
    await this.#ready();
    if (!this.#storedOrReset()) throw new Error("room reset: storing updates failed");
    return this.#snapshots.take(request);
  }

  // ---- RPC for the Worker's REST routes ------------------------------------------------

  /** Plain RPC calls skip partyserver's start-up; this runs onStart if needed, and applies the document. */
  async #ready(): Promise<void> {
    await this.#started();
    this.#documentReady();
  }

  /** onStart only: for calls about connections, which need no document. */
  async #started(): Promise<void> {
    await this.setName(this.name);
  }

  async getState(): Promise<Uint8Array> {
    await this.#ready();
    if (!this.#storedOrReset()) throw new Error("room reset: storing updates failed");
    return Y.encodeStateAsUpdate(this.document);
  }

  /**
   * Replaces or appends content (ProseMirror JSON text in the editor's schema) as one Yjs
   * transaction on the live document: editors see it at once and keep typing. Replace
   * diffs against the current content, so untouched paragraphs (and edits in them) stay.
   */
  async editDocument(
    operation: "replace" | "append",
    contentJson: string,
    approximateBytes: number,
    precondition: Precondition | null = null,
    author: string | null = null,
  ): Promise<DocumentEditResult> {
    await this.#ready();
    const node = editorSchema.nodeFromJSON(JSON.parse(contentJson));
    // The If-Match / If-None-Match check and the edit run with no await between (etag.ts).
    const result = await underPrecondition(this.document, precondition, (): EditOutcome => {
      this.#makeRoomFor(approximateBytes);
      if (this.#storage.storedBytes + approximateBytes > this.#limits.maxDocumentBytes) return "document_full";
      this.#asServer(author ?? UNKNOWN_AUTHOR, () => {
        if (operation === "replace") replaceDocument(this.document, node, SERVER_ORIGIN);
        else appendDocument(this.document, node, SERVER_ORIGIN);
      });
      if (author) this.#editors.add(author);
      return this.#afterServerEdit();
    });
    return result.ok ? { outcome: result.value, etag: result.etag } : { outcome: "precondition_failed", etag: result.etag };
  }

  /**
   * One step of a streamed append (stream-append.ts): `blocksJson` (ProseMirror JSON of blocks)
   * replaces the `trailing` blocks the stream wrote last time. The precondition, if any, is the
   * first step's.
   */
  async appendStreamed(
    blocksJson: string,
    trailing: number,
    approximateBytes: number,
    precondition: Precondition | null,
    author: string | null,
  ): Promise<DocumentEditResult> {
    await this.#ready();
    const blocks = (JSON.parse(blocksJson) as unknown[]).map((block) => editorSchema.nodeFromJSON(block));
    const result = await underPrecondition(this.document, precondition, (): EditOutcome => {
      this.#makeRoomFor(approximateBytes);
      if (this.#storage.storedBytes + approximateBytes > this.#limits.maxDocumentBytes) return "document_full";
      this.#asServer(author ?? UNKNOWN_AUTHOR, () => replaceTrailingBlocks(this.document, blocks, trailing, SERVER_ORIGIN));
      if (author) this.#editors.add(author);
      return this.#afterServerEdit();
    });
    return result.ok ? { outcome: result.value, etag: result.etag } : { outcome: "precondition_failed", etag: result.etag };
  }

  /** Who edited since the last call (the document.updated event's authors), and forgets them. */
  async takeEditors(): Promise<string[]> {
    const editors = [...this.#editors];
    this.#editors.clear();
    return editors;
  }

  /** The document's ETag alone (a conditional GET that turns out unchanged needs no export). */
  async currentETag(): Promise<string> {
    await this.#ready();
    if (!this.#storedOrReset()) throw new Error("room reset: storing updates failed");
    return documentETag(this.document);
  }

  /** The document's state with its ETag, read together. */
  async getDocument(): Promise<{ state: Uint8Array; etag: string }> {
    await this.#ready();
    if (!this.#storedOrReset()) throw new Error("room reset: storing updates failed");
    const state = Y.encodeStateAsUpdate(this.document);
    const etag = documentETag(this.document); // the version is read now, hashed after
    return { state, etag: await etag };
  }

  /** Makes the content equal to an old state's, as a new edit: nothing is rewritten. */
  async restoreState(state: Uint8Array, by: string | null, label: string | null): Promise<SnapshotRow | EditOutcome> {
    await this.#ready();
    this.#makeRoomFor(state.byteLength);
    if (this.#storage.storedBytes + state.byteLength > this.#limits.maxDocumentBytes) return "document_full";
    this.#comments.rememberQuotes(); // threads the restore orphans keep their last text
    // `by` is null only for the admin token (the route passes the principal's user id).
    this.#asServer(by ?? "admin-token", () => restoreFromState(this.document, state, SERVER_ORIGIN));
    const outcome = this.#afterServerEdit();
    if (outcome !== "applied") return outcome;
    this.#comments.reanchorOrphans();
    return (await this.snapshot({ reason: "restore", by, label }))!;
  }

  /** Runs an apply with `author` as the author of whatever it stores. */
  #as(author: string, apply: () => void): void {
    this.#author = author;
    try {
      apply();
    } finally {
      this.#author = UNKNOWN_AUTHOR;
    }
  }

  /**
   * A server edit uses the document's own clientID; each author gets a fresh one, so the ids a
   * server edit creates name exactly one person (a clientID with no structs yet is reused).
   */
  #asServer(author: string, apply: () => void): void {
    if (this.#serverClientAuthor !== author) {
      if (this.document.store.clients.has(this.document.clientID)) this.document.clientID = crypto.getRandomValues(new Uint32Array(1))[0]!;
      this.#serverClientAuthor = author;
    }
    this.#as(author, apply);
  }

  /**
   * Insertions and deletions between `base` (a snapshot's state; null: the empty document) and
   * now, with the authors recorded for their ids (attribution/changes.ts).
   */
  async changesSince(base: Uint8Array | null): Promise<{ changes: ChangeRun[]; truncated: boolean }> {
    await this.#ready();
    if (!this.#storedOrReset()) throw new Error("room reset: storing updates failed");
    return changesBetween(base, this.document, this.#storage.attribution.read());
  }

  #afterServerEdit(): EditOutcome {
    // The caller is told "applied" only once the edit is stored.
    if (this.#isWedged() || !this.#stored()) {
      this.#resetRoom();
      return "room_reset";
    }
    const size = this.#sizeNotice();
    if (size) this.broadcastCustomMessage(encodeNotice(size));
    return "applied";
  }

  // ---- comments (comments/threads.ts); the Worker checked the caller's rights in the room ----

  #announceComments(change: ThreadChange): void {
    const notice: RoomNotice = "thread" in change ? { type: "comment-thread", thread: change.thread } : { type: "comment-thread-deleted", threadId: change.deletedThreadId };
    this.broadcastCustomMessage(encodeNotice(notice));
  }

  /** Runs a comment operation on the stored document: quotes and anchors never come from unstored edits. */
  async #withComments<T>(operation: (threads: CommentThreads) => T): Promise<T | { ok: false; refusal: "room_reset" }> {
    await this.#ready();
    if (!this.#storedOrReset()) return { ok: false, refusal: "room_reset" };
    return operation(this.#comments);
  }

  async listComments(status: ThreadStatus): Promise<Thread[]> {
    await this.#ready();
    if (!this.#storedOrReset()) throw new Error("room reset: storing updates failed");
    return this.#comments.list(status);
  }

  createThread(actor: CommentActor, body: string, anchor: AnchorRequest) {
    return this.#withComments((threads) => threads.create(actor, body, anchor));
  }

  replyToThread(actor: CommentActor, threadId: string, body: string) {
    return this.#withComments((threads) => threads.reply(actor, threadId, body));
  }

  setThreadResolved(threadId: string, resolved: boolean) {
    return this.#withComments((threads) => threads.setResolved(threadId, resolved));
  }

  editComment(actor: CommentActor, threadId: string, commentId: string, body: string) {
    return this.#withComments((threads) => threads.edit(actor, threadId, commentId, body));
  }

  deleteComment(actor: CommentActor, threadId: string, commentId: string) {
    return this.#withComments((threads) => threads.delete(actor, threadId, commentId));
  }

  async stats() {
    await this.#started();
    return {
      ...this.#storage.stats,
      storedBytes: this.#storage.storedBytes,
      attribution: this.#storage.attribution.stats(),
      limits: this.#limits,
      connections: [...this.#connections()].length,
      rejectedFrames: this.#frames.rejected(),
    };
  }

  /** Users with an open connection (the Worker re-checks them when room access rules change). */
  async connectedUserIds(): Promise<string[]> {
    await this.#started();
    const ids = new Set<string>();
    for (const connection of this.#connections()) {
      if (connection.state?.userId) ids.add(connection.state.userId);
    }
    return [...ids];
  }

  /** A member's role changed or they were removed: apply it to their open connections. */
  async updateMemberAccess(userId: string, role: ConnectionRole | null): Promise<void> {
    await this.#started();
    for (const connection of this.#connections()) {
      if (connection.state?.userId !== userId) continue;
      if (role === null) {
        connection.close(RoomCloseCode.forbidden, "Access removed");
      } else {
        const granted = connection.state.readOnlyScope ? "viewer" : role;
        connection.setState((prev) => ({ ...(prev as ConnectionState), role: granted }));
        this.#notify(connection, accessNotice(granted));
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
        connection.close(RoomCloseCode.forbidden, REVOKED_CLOSE_REASON);
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
    for (const connection of this.#connections()) connection.close(RoomCloseCode.deleted, "Room deleted");
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }
}
