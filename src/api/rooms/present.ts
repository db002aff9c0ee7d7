import type { Room, RoomRole } from "../../db/schema.ts";

export function presentRoom(room: Room, role: RoomRole | null = null) {
  return {
    id: room.id,
    name: room.name,
    visibility: room.visibility,
    openEditing: room.openEditing,
    ownerId: room.ownerId,
    role,
    createdAt: new Date(room.createdAt).toISOString(),
    updatedAt: new Date(room.updatedAt).toISOString(),
  };
}
