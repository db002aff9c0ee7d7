// The room list with no network: the rooms last listed or opened online that this browser holds
// an offline copy of (a room without one would open empty).
import type { Room } from "../../shared/api-types.ts";
import { roomsWithCopies } from "./offline-copies.ts";
import { rememberedRoom, rememberedRooms } from "./offline-memory.ts";

export async function offlineRooms(userId: string): Promise<Room[]> {
  const copies = await roomsWithCopies(userId).catch(() => new Set<string>());
  const listed = new Map(rememberedRooms(userId).map((room) => [room.id, room]));
  for (const roomId of copies) {
    const opened = rememberedRoom(userId, roomId)?.room;
    if (opened && !listed.has(roomId)) listed.set(roomId, opened);
  }
  return [...listed.values()].filter((room) => copies.has(room.id));
}
