// Rooms you may open, with how many people are in each right now.
import { useCallback, useEffect, useMemo, useState } from "react";
import { api } from "../api.ts";
import { useOnline } from "../hooks/useChat.ts";
import { useToast } from "../hooks/useToast.ts";
import { PendingInvitations } from "./PendingInvitations.tsx";
import type { PresenceSummary, Room } from "../../shared/api-types.ts";

export function RoomList() {
  const toast = useToast();
  const online = useOnline();
  const [rooms, setRooms] = useState<Room[] | null>(null);
  const [counts, setCounts] = useState<Map<string, number>>(new Map());

  const load = useCallback(async () => {
    try {
      const [list, presence] = await Promise.all([api<{ rooms: Room[] }>("/api/rooms?limit=100"), api<PresenceSummary>("/api/presence")]);
      setRooms(list.rooms);
      setCounts(new Map(presence.rooms.map((r) => [r.roomId, r.count])));
    } catch (error) {
      toast.error(error);
    }
  }, [toast]);

  useEffect(() => void load(), [load]);

  // The live roster moves counts without refetching; it only lists rooms we may see.
  const live = useMemo(() => {
    const next = new Map(counts);
    if (online.length === 0) return next;
    next.clear();
    for (const user of online) for (const roomId of user.rooms) next.set(roomId, (next.get(roomId) ?? 0) + 1);
    return next;
  }, [online, counts]);

  if (rooms === null) return <p className="text-slate-400">Loading rooms…</p>;
  // Invitations sit above the list: accepting one reloads it with the new room.
  const invitations = <PendingInvitations onAccepted={() => void load()} />;
  if (rooms.length === 0) {
    return (
      <>
        {invitations}
        <p className="text-slate-500">No rooms yet. Create the first one above.</p>
      </>
    );
  }
  return (
    <>
      {invitations}
      <ul aria-label="Rooms" className="grid gap-3 sm:grid-cols-2">
        {rooms.map((room) => {
          const count = live.get(room.id) ?? 0;
          return (
            <li key={room.id}>
              <a
                href={`#/rooms/${room.id}`}
                className="block rounded-xl bg-white p-4 shadow-sm hover:ring-2 hover:ring-indigo-300 focus:ring-2 focus:ring-indigo-500 focus:outline-none"
              >
                <span className="block font-medium">{room.name}</span>
                <span className="mt-1 flex gap-2 text-xs text-slate-500">
                  <span>{room.visibility}</span>
                  {room.role && <span>· {room.role}</span>}
                  <span data-testid="room-count">· {count} {count === 1 ? "person" : "people"} here</span>
                </span>
              </a>
            </li>
          );
        })}
      </ul>
    </>
  );
}
