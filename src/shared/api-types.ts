// The JSON shapes the REST API answers. Declared once here: the server's presenters return
// these types (a presenter that drifts from its type does not compile) and the client imports
// them with `import type`, so it keeps no copy of its own. Dates travel as ISO 8601 strings.
import type { PresenceUser } from "./chat-protocol.ts";

type UserRole = "user" | "admin";
/** An explicit member's role in one room. */
export type RoomRole = "owner" | "editor" | "commenter" | "viewer";

/** The only shape of a user that leaves the server: never the password hash. */
export type User = {
  id: string;
  name: string;
  email: string;
  role: UserRole;
  /** Which notifications are emailed: all, only mentions, or none. */
  notify: "all" | "mentions" | "none";
  createdAt: string;
  updatedAt: string;
};

export type Room = {
  id: string;
  name: string;
  visibility: "public" | "private";
  openEditing: boolean;
  /** Public rooms: signed-in users without a role may comment. */
  openCommenting: boolean;
  ownerId: string;
  /** The caller's explicit membership, if any (GET /api/rooms/:id adds `access` beside it). */
  role: RoomRole | null;
  createdAt: string;
  updatedAt: string;
  /** Lists only: the room's latest snapshot (taken ~30 s after an edit), chat message or settings change. */
  lastActivityAt?: string;
  /** Lists only: chat messages by others since you last read the room's chat (capped at 100). */
  unread?: number;
};

/** What the caller may do in a room, from the access policy. */
export type RoomAccess = { canView: boolean; canComment: boolean; canEdit: boolean; canManage: boolean };

export type Member = {
  userId: string;
  name: string;
  /** Only for the room's managers, and on the caller's own row. */
  email?: string;
  role: RoomRole;
  createdAt: string;
};

/** POST /api/rooms/:id/members for someone already a member: their new role, in effect at once. */
export type ChangedMember = Omit<Member, "createdAt">;

/** What an inviter is told: the same whoever (or nobody) the invitation reached. */
export type SentInvitation = { id: string; roomId: string; role: RoomRole; status: "pending" };

/** An invitation as its invitee sees it. */
export type Invitation = SentInvitation & {
  roomName: string;
  /** Null: sent with the bootstrap admin token, or the inviter has since deleted their account. */
  invitedBy: { name: string } | null;
  createdAt: string;
};

export type StoredFile = {
  id: string;
  name: string;
  size: number;
  contentType: string;
  /** What the bytes are (sniffed), which is what the file is served as. */
  detectedType: string | null;
  visibility: "private" | "public";
  ownerId: string;
  roomId: string | null;
  sha256: string | null;
  status: "uploading" | "ready" | "processed" | "rejected";
  width: number | null;
  height: number | null;
  url: string;
  thumbnailUrl: string | null;
  createdAt: string;
};

export type Snapshot = {
  id: string;
  roomId: string;
  bytes: number;
  checksum: string;
  stateVectorHash: string;
  reason: "auto" | "manual" | "restore" | "delete";
  label: string | null;
  createdBy: { id: string; name: string | null } | null;
  createdAt: string;
};

export type OnboardingStep = {
  name: string;
  status: "pending" | "running" | "done" | "failed";
  attempts: number;
  lastError: string | null;
  updatedAt: string | null;
};

/** GET /api/workflow/:instanceId: `status` is the platform's instance status ("running", "complete", ...). */
export type OnboardingStatus = {
  instanceId: string;
  status: string;
  error: { name: string; message: string } | null;
  output: unknown;
  steps: OnboardingStep[];
};

/** GET /api/presence: only the rooms the caller may see. */
export type PresenceSummary = { users: PresenceUser[]; rooms: { roomId: string; count: number }[] };

/** GET /api/search (src/api/search): one hit, in a room the caller may view. */
export type SearchResultType = "document" | "message" | "comment" | "file";
export type SearchResult = {
  type: SearchResultType;
  roomId: string;
  roomName: string;
  /** A document block's key, a message's id, a file's id. */
  id: string;
  /** Plain text around the match; `highlights` are [start, end) offsets of matched words in it. */
  snippet: string;
  highlights: [number, number][];
  /** Relevance (bm25, higher is better); ties go to the most recent. */
  score: number;
  /** When the block last changed, the message was written, the file uploaded. */
  at: string;
  /** Where the hit is: the room with `?block=` or `?message=`, or the file's bytes. */
  url: string;
  /** Documents: the index of the block among the document's top-level blocks. */
  position?: number;
  /** Messages: the message's position in its room's chat (absent for entries indexed before it was kept). */
  seq?: number;
};
export type SearchPage = { results: SearchResult[]; nextCursor: string | null };

/** One entry of GET /api/inbox. `actor` null: the system; its `name` null once their account is deleted. */
export type Notification = {
  id: string;
  kind: "mention" | "reply" | "invitation" | "access_changed";
  roomId: string | null;
  roomName: string | null;
  actor: { id: string; name: string | null } | null;
  /** The words it is about, mentions shown as @Name. */
  excerpt: string;
  /** Where it happened, in the web client. */
  url: string;
  createdAt: string;
  readAt: string | null;
};

/** Who made a change: `id` null for the admin token and for content older than attribution ("Unknown"). */
export type ChangeAuthor = { id: string | null; name: string };
/** One run of inserted or deleted text; `block`: its top-level block (in the base for deletions). */
export type DocumentChange = { kind: "insert" | "delete"; author: ChangeAuthor; text: string; block: number };
/** GET /api/rooms/:id/changes: what changed since a snapshot (the newest at or before a time). */
export type DocumentChanges = {
  since: { requested: string; snapshotId: string | null; snapshotAt: string | null; note: string };
  changes: DocumentChange[];
  truncated: boolean;
};
