// How the room list filters and orders rooms: pure, so the list component only renders.
import type { Room } from "../../shared/api-types.ts";

export type RoomSort = "active" | "name" | "created";

export const SORT_LABELS: Record<RoomSort, string> = { active: "Recent activity", name: "Name", created: "Newest" };

/** Case- and accent-insensitive, so "cafe" finds "Café". */
const fold = (text: string) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLocaleLowerCase();

const activity = (room: Room) => Date.parse(room.lastActivityAt ?? room.updatedAt);

export function visibleRooms(rooms: Room[], query: string, sort: RoomSort): Room[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const matching = rooms.filter((room) => words.every((word) => fold(room.name).includes(word)));
  const compare: Record<RoomSort, (a: Room, b: Room) => number> = {
    active: (a, b) => activity(b) - activity(a),
    name: (a, b) => a.name.localeCompare(b.name),
    created: (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt),
  };
  return matching.sort(compare[sort]);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** "5 minutes ago", "yesterday": when the room last changed. */
export function activityAgo(room: Room, now = Date.now()): string {
  const seconds = Math.round((activity(room) - now) / 1000);
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [["second", 60], ["minute", 60], ["hour", 24], ["day", 30], ["month", 12], ["year", Infinity]];
  let value = seconds;
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return relative.format(value, unit);
    value = Math.round(value / size);
  }
  return relative.format(value, "year");
}
