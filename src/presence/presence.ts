// The global presence Durable Object (one instance, named "global"): who is online, which
// room each tab views, and chat. It only wires sockets, storage and alarms together; the
// protocol, history, grace period and access checks live beside it in src/presence/.
import { type Connection, type ConnectionContext, Server, type WSMessage } from "partyserver";
import type { Env } from "../env.ts";
import { ChatCloseCode } from "../shared/room-protocol.ts";
import { type Channel, type ChatMessage, channelRoom, parseClientFrame, roomChannel } from "../shared/chat-protocol.ts";
import { type ClosedSockets, isRevoked, type Revocation, REVOKED_CLOSE_REASON } from "../core/credential.ts";
import { memberRoomIds, type RoomView, roomViewFor, VisibleRooms } from "./access.ts";
import * as chat from "./chat.ts";
import { PresenceCoalescer } from "./coalesce.ts";
import { send, presenceChange } from "./fanout.ts";
import { LEAVE_GRACE_MS, PendingLeaves } from "./grace.ts";
import { claimedIdentity, type Identity, verifiedIdentity } from "../core/identity.ts";
import { type Author, MessageStore, type Page } from "./messages.ts";
import { MessageOutbox } from "./outbox.ts";
import { type PresenceLimits, presenceLimits } from "./limits.ts";
import { RateLimiter } from "../core/token-bucket.ts";
import { RATE_BURST, RATE_PER_SECOND } from "./rate-limit.ts";
import { type ConnState, redact, type RosterEntry, rosterFrom, sameRooms, stateOf, userTag, type Viewer } from "./roster.ts";
import { migrate } from "./schema.ts";
import { ChannelSubscribers } from "./subscribers.ts";
import { noteChatChange } from "../core/search-events.ts";
import { noteChatEvent } from "../core/chat-events.ts";
import { markRoomSeen, notifyLater } from "../core/notifications.ts";
import { mentionedIds } from "../shared/mentions.ts";
import { ChatReads, type UnreadQuery } from "./reads.ts";

/** A socket may send this many malformed frames (each answered with an error) before it is closed. */
export const MAX_BAD_FRAMES = 20;
export const BAD_FRAMES_CLOSE_CODE = ChatCloseCode.malformed;

export type PostResult =
  | { ok: true; message: ChatMessage }
  | { ok: false; code: "rate_limited"; message: string; retryAfterMs: number };

export class Presence extends Server<Env> implements chat.ChatHost {
  static options = { hibernate: true };

  readonly messages: MessageStore;
  readonly limiter = new RateLimiter(RATE_BURST, RATE_PER_SECOND);
  readonly limits: PresenceLimits;
  /** Every frame, per user, whatever its type (rate-limit.ts). */
  readonly frameBudget: RateLimiter;
  /** Room changes go out merged, a few per second at most (coalesce.ts). */
  /** Chat channel → subscribed sockets, in memory (rebuilt from attachments after a wake). */
  readonly subscribers = new ChannelSubscribers(() => this.getConnections());
  readonly outbox = new MessageOutbox((channel) => this.subscribers.of(channel));
  readonly coalescer = new PresenceCoalescer((userId, before) => this.announceUpdate(userId, before));
  /** Malformed frames per socket, in memory (a wake forgives them; that is fine for a guard). */
  readonly badFrames = new Map<string, number>();
  readonly leaves: PendingLeaves;
  readonly visible: VisibleRooms;
  readonly reads: ChatReads;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Synchronous, so RPC calls (which skip partyserver's onStart) also find the tables.
    migrate(ctx.storage.sql);
    this.messages = new MessageStore(ctx.storage);
    this.reads = new ChatReads(ctx.storage.sql);
    this.messages.onChange = (change) => {
      noteChatChange(ctx, env, change);
      noteChatEvent(ctx, env, change);
      if (change.kind === "written") this.#afterWrite(change.message);
    };
    this.leaves = new PendingLeaves(ctx.storage);
    this.visible = new VisibleRooms(ctx.storage);
    this.limits = presenceLimits(env);
    this.frameBudget = new RateLimiter(this.limits.frameBurst, this.limits.framesPerSecond);
    // Keep-alive pings are answered by the runtime without waking a hibernated object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  // --- connection lifecycle ------------------------------------------------------

  override async fetch(request: Request): Promise<Response> {
    // Only upgrades signed by the Worker become connections (see src/core/identity.ts).
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket" && !(await verifiedIdentity(this.env, request.headers))) {
      return Response.json({ error: { code: "unauthorized", message: "Connect through /api/chat." } }, { status: 401 });
    }
    return super.fetch(request);
  }

  // fetch() above verified the signature; from here on the request's identity is trusted.
  override getConnectionTags(_connection: Connection, { request }: ConnectionContext): string[] {
    const who = claimedIdentity(request.headers);
    return who ? [userTag(who.id)] : [];
  }

  override async onConnect(connection: Connection, { request }: ConnectionContext): Promise<void> {
    const who = claimedIdentity(request.headers) as Identity;
    const now = Date.now();
    // Decided before any await (partyserver accepts the socket in the same turn), so two tabs
    // opening at once announce the user only once.
    const otherTabs = [...this.getConnections(userTag(who.id))].some((c) => c.id !== connection.id);
    const resumed = this.leaves.cancel(who.id);
    connection.setState({
      userId: who.id,
      name: who.name,
      isAdmin: who.isAdmin,
      room: null,
      roomPublic: false,
      channels: [],
      lastActive: now,
      credential: who.credential,
      connectedAt: now,
    } satisfies ConnState);
    this.closeOldestBeyondCap(who.id);
    const entry = this.roster().get(who.id)!;
    if (!otherTabs && !resumed) presenceChange(this.getConnections(), (c) => this.viewerOf(c), "join", entry, { without: connection.id });
    this.visible.replace(who.id, await memberRoomIds(this.env, who.id));
    const viewer = this.viewerOf(connection)!;
    send(connection, { type: "welcome", you: redact(entry, viewer), online: this.online().map((e) => redact(e, viewer)) });
  }

  override async onMessage(connection: Connection, raw: WSMessage): Promise<void> {
    const state = stateOf(connection);
    if (!state) return;
    const parsed = parseClientFrame(raw);
    if (!parsed.ok) {
      // Answered, otherwise ignored: a bad frame never reaches storage or other sockets. A
      // socket that keeps sending them is broken or hostile, and is closed (4400: do not retry).
      const bad = (this.badFrames.get(connection.id) ?? 0) + 1;
      this.badFrames.set(connection.id, bad);
      if (bad > MAX_BAD_FRAMES) return connection.close(BAD_FRAMES_CLOSE_CODE, "Too many malformed frames");
      return send(connection, { type: "error", code: "bad_frame", message: parsed.message, details: parsed.details });
    }
    const frame = parsed.frame;
    const wait = this.frameBudget.take(state.userId);
    if (wait > 0) {
      if (frame.type === "typing") return; // a hint: dropping it needs no answer
      const ref = "nonce" in frame ? frame.nonce : undefined;
      return send(connection, { type: "error", code: "rate_limited", message: "Too many frames; slow down.", retryAfterMs: wait, ref });
    }
    this.setState(connection, (s) => ({ ...s, lastActive: Date.now() }));
    try {
      switch (frame.type) {
        case "view":
          return await this.view(connection, state, frame.room);
        case "subscribe":
          return await chat.subscribe(this, connection, state, frame);
        case "unsubscribe":
          return chat.unsubscribe(this, connection, state, frame);
        case "history":
          return chat.history(this, connection, state, frame);
        case "send":
          return await chat.sendMessage(this, connection, state, frame);
        case "edit":
          return await chat.editMessage(this, connection, state, frame);
        case "delete":
          return await chat.deleteMessage(this, connection, state, frame);
        case "typing":
          return chat.typing(this, connection, state, frame);
      }
    } catch (error) {
      console.error(`presence: ${frame.type} failed`, error);
      send(connection, { type: "error", code: "internal", message: "Something went wrong on our side." });
    }
  }

  override async onClose(connection: Connection): Promise<void> {
    this.badFrames.delete(connection.id);
    const state = stateOf(connection);
    if (!state) return;
    this.subscribers.closed(connection, state.channels);
    // The closing socket is no longer OPEN, so add it back to see the roster as it was.
    const others = [...this.getConnections(userTag(state.userId))].filter((c) => c.id !== connection.id);
    const before = rosterFrom([...others, connection]).get(state.userId)!;
    const after = rosterFrom(others).get(state.userId);
    if (after) {
      this.coalescer.changed(state.userId, before);
      return;
    }
    // The user's last tab: announce the leave only if they have not come back by the deadline.
    this.leaves.hold(before, Date.now() + LEAVE_GRACE_MS);
    await this.scheduleAlarm();
  }

  override onError(connection: Connection, error: unknown): void {
    console.warn(`presence: socket ${connection.id} errored`, error);
  }

  override async onAlarm(): Promise<void> {
    for (const entry of this.leaves.takeDue(Date.now())) {
      if (this.roster().has(entry.id)) continue; // back on another tab meanwhile
      this.visible.forget(entry.id);
      this.broadcastPresence("leave", entry);
    }
    await this.scheduleAlarm();
  }

  // --- RPC for the Worker (REST routes) --------------------------------------------

  /** Everyone online, unredacted: the Worker filters rooms by the caller's access. */
  online(): RosterEntry[] {
    const live = this.roster();
    const pending = this.leaves.all().filter((e) => !live.has(e.id));
    return [...live.values(), ...pending];
  }

  history(channel: Channel, before: number | undefined, limit: number): Page {
    return this.messages.page(channel, before, limit);
  }

  /** A message from REST (e.g. an admin script); the Worker checked access to the channel. */
  post(channel: Channel, author: Author, body: string): PostResult {
    // The bootstrap admin token is not a user and is not rate limited.
    const wait = author.id ? this.limiter.take(author.id) : 0;
    if (wait > 0) return { ok: false, code: "rate_limited", message: "Too many messages; slow down.", retryAfterMs: wait };
    return { ok: true, message: chat.publish(this, channel, author, body) };
  }

  /**
   * A room's access changed (a member removed, the room made private): every socket that may
   * no longer see it leaves its chat channel and stops showing as viewing it, at once rather
   * than at its next subscribe or send.
   */
  async recheckRoom(roomId: string): Promise<void> {
    const channel = roomChannel(roomId);
    const verdicts = new Map<string, Promise<boolean>>();
    for (const connection of this.getConnections()) {
      const state = stateOf(connection);
      if (!state || (!state.channels.includes(channel) && state.room !== roomId)) continue;
      if (!verdicts.has(state.userId)) verdicts.set(state.userId, this.roomView(state.userId, roomId).then((v) => v.canView));
      if (await verdicts.get(state.userId)) continue;
      await this.leaveRoom(connection, roomId);
    }
  }

  /**
   * A credential was revoked or its user deleted: close the user's matching chat sockets (4403).
   * Their presence then ends as for any closed tab.
   */
  closeCredential(userId: string, revocation: Revocation): ClosedSockets {
    let closed = 0;
    let remaining = 0;
    for (const connection of this.getConnections(userTag(userId))) {
      if (isRevoked(stateOf(connection)?.credential, revocation)) {
        connection.close(ChatCloseCode.signedOut, REVOKED_CLOSE_REASON);
        closed++;
      } else {
        remaining++;
      }
    }
    return { closed, remaining };
  }

  /**
   * A user's admin role changed: their open sockets take the new flag (it decides presence
   * redaction and moderation) and leave every room channel and view they may no longer see.
   */
  async recheckUser(userId: string, isAdmin: boolean): Promise<void> {
    const roomIds = new Set<string>();
    for (const connection of this.getConnections(userTag(userId))) {
      this.setState(connection, (s) => ({ ...s, isAdmin }));
      const state = stateOf(connection);
      if (state?.room) roomIds.add(state.room);
      for (const channel of state?.channels ?? []) {
        const roomId = channelRoom(channel);
        if (roomId) roomIds.add(roomId);
      }
    }
    for (const roomId of roomIds) {
      if ((await this.roomView(userId, roomId)).canView) continue;
      for (const connection of this.getConnections(userTag(userId))) await this.leaveRoom(connection, roomId);
    }
  }

  /**
   * An account was deleted: its messages leave every channel's history and the screens of those
   * reading them (one pass over the sockets). Returns what went; the caller drops it from the index.
   */
  eraseUserMessages(userId: string): { channel: Channel; id: string }[] {
    const removed = this.messages.removeByUser(userId);
    this.reads.forgetUser(userId);
    const byChannel = new Map<Channel, string[]>();
    for (const { channel, id } of removed) {
      const ids = byChannel.get(channel) ?? [];
      if (ids.length === 0) byChannel.set(channel, ids);
      ids.push(id);
    }
    if (byChannel.size === 0) return removed;
    this.outbox.flush(); // the messages before their deletion
    for (const [channel, ids] of byChannel) {
      for (const connection of this.subscribers.of(channel)) for (const id of ids) send(connection, { type: "deleted", channel, id });
    }
    return removed;
  }

  /** For room deletion: forget a channel's history and drop its subscribers. */
  dropChannel(channel: Channel): void {
    this.messages.dropChannel(channel);
    this.reads.forgetChannel(channel);
    for (const connection of this.getConnections()) {
      const state = stateOf(connection);
      if (state?.channels.includes(channel)) chat.unsubscribe(this, connection, state, { type: "unsubscribe", channel });
    }
  }

  // --- ChatHost + helpers ------------------------------------------------------------

  connections(): Iterable<Connection> {
    return this.getConnections();
  }

  /** Every change of a connection's state goes through here, so the subscriber index follows it. */
  setState(connection: Connection, change: (state: ConnState) => ConnState): void {
    const state = stateOf(connection);
    if (!state) return;
    const next = change(state);
    connection.setState(next);
    if (next.channels !== state.channels) this.subscribers.changed(connection, state.channels, next.channels);
  }

  /** A stored message: its author has read their channel up to it; whom it mentions are notified. */
  #afterWrite(message: ChatMessage): void {
    if (message.userId && !message.editedAt) this.markRead(message.userId, message.channel, message.seq);
    const roomId = channelRoom(message.channel);
    const mentioned = mentionedIds(message.body);
    if (!roomId || mentioned.length === 0) return;
    // The job keeps only people who may view the room; the same mention re-saved by an edit is not notified twice.
    notifyLater(this.ctx, this.env, {
      kind: "mention",
      roomId,
      actorId: message.userId,
      userIds: mentioned,
      excerpt: message.body,
      url: `/#/rooms/${roomId}?message=${message.id}&seq=${message.seq}`,
      sourceId: message.id,
    });
  }

  /** Marks a channel read for a user and tells all their tabs. Returns the mark now stored. */
  markRead(userId: string, channel: Channel, seq: number): number {
    const stored = this.reads.markRead(userId, channel, seq);
    for (const connection of this.getConnections(userTag(userId))) send(connection, { type: "read", channel, seq: stored });
    return stored;
  }

  /** Unread messages per room for a user, capped (reads.ts). */
  unreadCounts(userId: string, rooms: { roomId: string; member: boolean }[]): Record<string, number> {
    const queries: UnreadQuery[] = rooms.map(({ roomId, member }) => ({ channel: roomChannel(roomId), member }));
    const byChannel = this.reads.unread(userId, queries);
    return Object.fromEntries(rooms.map(({ roomId }) => [roomId, byChannel[roomChannel(roomId)] ?? 0]));
  }

  /** When each room's chat last got a message (epoch ms), for the room list's recent activity: one index step per room. */
  lastMessageTimes(roomIds: string[]): Record<string, number> {
    const times: Record<string, number> = {};
    for (const roomId of roomIds) {
      const last = this.ctx.storage.sql
        .exec<{ at: number }>(`SELECT created_at AS at FROM messages WHERE channel = ? ORDER BY seq DESC LIMIT 1`, roomChannel(roomId))
        .toArray()[0];
      if (last) times[roomId] = last.at;
    }
    return times;
  }

  /** Who has a tab on the room now (the notification job emails nobody who is looking). */
  viewersOf(roomId: string): string[] {
    const ids = new Set<string>();
    for (const connection of this.getConnections()) {
      const state = stateOf(connection);
      if (state?.room === roomId) ids.add(state.userId);
    }
    return [...ids];
  }

  /** The rooms a user has a tab on now. */
  roomsViewedBy(userId: string): string[] {
    return [...new Set([...this.getConnections(userTag(userId))].flatMap((c) => stateOf(c)?.room ?? []))];
  }

  /** The user's inbox count changed: every tab's bell follows. */
  pushInbox(userId: string, unreadCount: number): void {
    for (const connection of this.getConnections(userTag(userId))) send(connection, { type: "inbox", unreadCount });
  }

  /** Also remembers the answer for presence redaction: members see who is in a private room. */
  async roomView(userId: string, roomId: string): Promise<RoomView> {
    const view = await roomViewFor(this.env, userId, roomId);
    this.visible.set(userId, roomId, view.canView && !view.public);
    return view;
  }

  private roster(): Map<string, RosterEntry> {
    return rosterFrom(this.getConnections());
  }

  private viewerOf(connection: Connection): Viewer | null {
    const state = stateOf(connection);
    return state && { actor: { user: { id: state.userId }, isAdmin: state.isAdmin }, privateRooms: this.visible.of(state.userId) };
  }

  private broadcastPresence(event: "join" | "update" | "leave", entry: RosterEntry, options: { without?: string; before?: RosterEntry } = {}) {
    presenceChange(this.getConnections(), (c) => this.viewerOf(c), event, entry, options);
  }

  /** The coalescer's flush: one update for the user, if their rooms differ from what was announced. */
  private announceUpdate(userId: string, before: RosterEntry | undefined): void {
    const after = this.roster().get(userId);
    // No tabs left: the leave (after its grace period) says it all.
    if (after && !sameRooms(before, after)) this.broadcastPresence("update", after, { before });
  }

  /** Past the per-user cap (limits.ts), the user's oldest sockets are closed (4429) to make room. */
  private closeOldestBeyondCap(userId: string): void {
    const cap = this.limits.socketsPerUser;
    const open = [...this.getConnections(userTag(userId))].sort(
      (a, b) => (stateOf(a)?.connectedAt ?? 0) - (stateOf(b)?.connectedAt ?? 0),
    );
    for (const connection of open.slice(0, Math.max(0, open.length - cap))) {
      connection.close(ChatCloseCode.tooManySockets, `At most ${cap} chat connections; this was the oldest`);
    }
  }

  /** The socket stops following a room's channel and stops showing as viewing it. */
  private async leaveRoom(connection: Connection, roomId: string): Promise<void> {
    const channel = roomChannel(roomId);
    const state = stateOf(connection); // read now: the socket may have changed during an await
    if (!state) return;
    if (state.channels.includes(channel)) chat.unsubscribe(this, connection, state, { type: "unsubscribe", channel });
    if (state.room === roomId) await this.view(connection, stateOf(connection)!, null);
  }

  /** A tab reports the room it is viewing; checked against D1 so nobody can claim a private room. */
  private async view(connection: Connection, state: ConnState, room: string | null): Promise<void> {
    let roomPublic = false;
    if (room) {
      const access = await this.roomView(state.userId, room);
      if (!access.canView) return send(connection, { type: "error", code: "not_found", message: "No such room." });
      roomPublic = access.public;
    }
    const before = this.roster().get(state.userId);
    this.setState(connection, (s) => ({ ...s, room, roomPublic }));
    // Opening the room is seeing what it notified them of: no email for those.
    if (room) this.ctx.waitUntil(markRoomSeen(this.env, state.userId, room).catch((error) => console.error("marking notifications seen failed", error)));
    this.coalescer.changed(state.userId, before);
  }

  private async scheduleAlarm(): Promise<void> {
    const next = this.leaves.nextDeadline();
    if (next === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }
}
