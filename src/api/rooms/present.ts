// The shapes of a room and its parts that leave the server (types in src/shared/api-types.ts).
import type { Room, RoomRole, SnapshotRow } from "../../db/schema.ts";
import type * as Api from "../../shared/api-types.ts";
import { shownName } from "../../shared/display-name.ts";

export function presentRoom(room: Room, role: RoomRole | null = null): Api.Room {
  return {
    id: room.id,
    name: room.name,
    visibility: room.visibility,
    openEditing: room.openEditing,
    openCommenting: room.openCommenting,
    ownerId: room.ownerId,
    role,
    createdAt: new Date(room.createdAt).toISOString(),
    updatedAt: new Date(room.updatedAt).toISOString(),
  };
}

/** Only the caller's rights: the policy's answer also carries the room row and role. */
export function presentAccess({ canView, canComment, canEdit, canManage }: Api.RoomAccess): Api.RoomAccess {
  return { canView, canComment, canEdit, canManage };
}

type MemberRow = { userId: string; name: string; email: string; role: RoomRole; createdAt: number };

/** `showEmail`: for the room's managers (to invite and tell people apart) and each member's own row. */
export function presentMember({ email, ...member }: MemberRow, showEmail: boolean): Api.Member {
  return {
    ...member,
    name: shownName(member.name),
    ...(showEmail && { email }),
    createdAt: new Date(member.createdAt).toISOString(),
  };
}

export function presentSnapshot(row: SnapshotRow, authorName: string | null = null): Api.Snapshot {
  return {
    id: row.id,
    roomId: row.roomId,
    bytes: row.bytes,
    checksum: row.checksum,
    stateVectorHash: row.stateVectorHash,
    reason: row.reason,
    label: row.label,
    createdBy: row.createdBy ? { id: row.createdBy, name: authorName } : null,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
