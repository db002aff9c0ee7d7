// Shapes the API returns (see README's API table); only the fields the client reads.
export type User = { id: string; name: string; email: string; role: "user" | "admin" };

export type RoomRole = "owner" | "editor" | "viewer";

export type Room = {
  id: string;
  name: string;
  visibility: "public" | "private";
  openEditing: boolean;
  ownerId: string;
  role: RoomRole | null;
  createdAt: string;
};

export type RoomAccess = { canView: boolean; canEdit: boolean; canManage: boolean };

export type Member = { userId: string; name: string; email: string; role: RoomRole };

export type StoredFile = {
  id: string;
  name: string;
  size: number;
  contentType: string;
  detectedType: string | null;
  ownerId: string;
  status: string;
  url: string;
  thumbnailUrl: string | null;
  createdAt: string;
};

export type Snapshot = {
  id: string;
  reason: string;
  label: string | null;
  createdBy: { id: string; name: string | null } | null;
  createdAt: string;
};

export type OnboardingStatus = {
  instanceId: string;
  status: string;
  error: unknown;
  steps: { name: string; status: string; attempts: number; lastError: string | null }[];
};

export type PresenceSummary = { rooms: { roomId: string; count: number }[] };

export type Invitation = {
  id: string;
  roomId: string;
  roomName: string;
  role: RoomRole;
  status: "pending";
  invitedBy: { name: string } | null;
  createdAt: string;
};
