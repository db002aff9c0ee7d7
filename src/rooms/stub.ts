// The Worker's view of a Room object: the RPC methods it exposes, typed by hand
// because inferring them through YServer's generics exceeds TypeScript's depth limit.
import type { Env } from "../env.ts";
import type { ClosedSockets, Revocation } from "../core/credential.ts";
import type { ConnectionRole } from "../shared/room-protocol.ts";
import type { DocumentEditResult, EditOutcome } from "./room.ts";
import type { Precondition } from "./document/etag.ts";
import type { RoomLimits } from "./limits.ts";
import type { RejectedFrames } from "./frame-policy.ts";
import type { SnapshotRequest, WrittenSnapshot } from "./snapshots.ts";
import type { AnchorRequest, CommentActor, CommentRefusal, CommentResult } from "./comments/threads.ts";
import type { Thread, ThreadStatus } from "../shared/comments.ts";
import type { ChangeRun } from "./attribution/changes.ts";
import type { AttributionStats } from "./attribution/store.ts";

/** A comment operation's answer; room_reset: the room restarted under it (retry). */
type CommentAnswer<T> = Promise<CommentResult<T> | { ok: false; refusal: "room_reset" }>;
export type CommentFailure = CommentRefusal | "room_reset";

export type RoomStats = {
  stateBytes: number;
  logBytes: number;
  logCount: number;
  storedBytes: number;
  /** Beside the document cap, bounded on its own (attribution/store.ts). */
  attribution: AttributionStats;
  limits: RoomLimits;
  connections: number;
  rejectedFrames: RejectedFrames;
};

export interface RoomRpc {
  getState(): Promise<Uint8Array>;
  getDocument(): Promise<{ state: Uint8Array; etag: string }>;
  editDocument(operation: "replace" | "append", contentJson: string, approximateBytes: number, precondition?: Precondition | null, author?: string | null): Promise<DocumentEditResult>;
  takeEditors(): Promise<string[]>;
  currentETag(): Promise<string>;
  appendStreamed(blocksJson: string, trailing: number, approximateBytes: number, precondition: Precondition | null, author: string | null): Promise<DocumentEditResult>;
  restoreState(state: Uint8Array, by: string | null, label: string | null): Promise<WrittenSnapshot | EditOutcome>;
  snapshot(request: SnapshotRequest): Promise<WrittenSnapshot | null>;
  changesSince(base: Uint8Array | null): Promise<{ changes: ChangeRun[]; truncated: boolean }>;
  stats(): Promise<RoomStats>;
  updateMemberAccess(userId: string, role: ConnectionRole | null): Promise<void>;
  connectedUserIds(): Promise<string[]>;
  closeCredential(userId: string, revocation: Revocation): Promise<ClosedSockets>;
  destroy(): Promise<void>;
  listComments(status: ThreadStatus): Promise<Thread[]>;
  createThread(actor: CommentActor, body: string, anchor: AnchorRequest): CommentAnswer<Thread>;
  replyToThread(actor: CommentActor, threadId: string, body: string): CommentAnswer<Thread>;
  setThreadResolved(threadId: string, resolved: boolean): CommentAnswer<Thread>;
  editComment(actor: CommentActor, threadId: string, commentId: string, body: string): CommentAnswer<Thread>;
  deleteComment(actor: CommentActor, threadId: string, commentId: string): CommentAnswer<{ threadDeleted: boolean; thread: Thread | null }>;
}

export function roomStub(env: Env, roomId: string): DurableObjectStub & RoomRpc {
  const namespace = env.ROOM as unknown as DurableObjectNamespace;
  return namespace.getByName(roomId) as unknown as DurableObjectStub & RoomRpc;
}

/** The user's registry of rooms with their sockets (user-sockets.ts), named by the user's id. */
type UserSocketsRpc = { note(roomId: string): Promise<void>; rooms(): Promise<string[]>; forget(roomIds: string[]): Promise<void> };

export function userSocketsStub(env: Env, userId: string): UserSocketsRpc {
  const namespace = env.USER_SOCKETS as unknown as DurableObjectNamespace;
  return namespace.getByName(userId) as unknown as UserSocketsRpc;
}
