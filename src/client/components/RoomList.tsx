// Rooms you may open, with how many people are in each right now: searchable by name, sorted by
// recent activity (or name, or age).
import { useCallback, useEffect, useMemo, useState } from "react";
import { api } from "../api.ts";
import { useChatClient, useOnline } from "../hooks/useChat.ts";
import { roomChannel } from "../../shared/chat-protocol.ts";
import { useSession } from "../hooks/useSession.ts";
import { useToast } from "../hooks/useToast.ts";
import { offlineRooms } from "../lib/offline-rooms.ts";
import { isNetworkFailure, rememberRooms } from "../lib/offline-memory.ts";
import { activityAgo, SORT_LABELS, visibleRooms, type RoomSort } from "../lib/room-order.ts";
import { PendingInvitations } from "./PendingInvitations.tsx";
import type { PresenceSummary, Room } from "../../shared/api-types.ts";

export function RoomList() {
  const toast = useToast();
  const { user } = useSession();
  const userId = user?.id ?? "";
  const online = useOnline();
  /** No network: the list is the rooms this browser can open from its offline copies. */
  const [savedOnly, setSavedOnly] = useState(false);
  const [rooms, setRooms] = useState<Room[] | null>(null);
  const [counts, setCounts] = useState<Map<string, number>>(new Map());
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<RoomSort>("active");
  const shown = useMemo(() => visibleRooms(rooms ?? [], query, sort), [rooms, query, sort]);

  const load = useCallback(async () => {
    try {
      const [list, presence] = await Promise.all([api<{ rooms: Room[] }>("/api/rooms?limit=100"), api<PresenceSummary>("/api/presence")]);
      rememberRooms(userId, list.rooms);
      setSavedOnly(false);
      setRooms(list.rooms);
      setCounts(new Map(presence.rooms.map((r) => [r.roomId, r.count])));
    } catch (error) {
      if (!isNetworkFailure(error)) return toast.error(error);
      setSavedOnly(true);
      setRooms(await offlineRooms(userId));
    }
  }, [toast, userId]);

  // Back online: the server's list replaces the saved one.
  useEffect(() => {
    if (!savedOnly) return;
    const reload = () => void load();
    window.addEventListener("online", reload);
    return () => window.removeEventListener("online", reload);
  }, [savedOnly, load]);

  useEffect(() => void load(), [load]);

  // Unread counts: a room read in any tab of ours drops to 0 at once; a new notification, or
  // coming back to this tab, asks the server again (the list follows no room's chat itself).
  const chat = useChatClient();
  useEffect(() => {
    const reload = () => document.visibilityState === "visible" && void load();
    const stop = chat.listen((frame) => {
      if (frame.type === "read") setRooms((list) => list?.map((r) => (roomChannel(r.id) === frame.channel ? { ...r, unread: 0 } : r)) ?? null);
      else if (frame.type === "inbox") void load();
    });
    window.addEventListener("focus", reload);
    document.addEventListener("visibilitychange", reload);
    return () => {
      stop();
      window.removeEventListener("focus", reload);
      document.removeEventListener("visibilitychange", reload);
    };
  }, [chat, load]);

  // The live roster moves counts without refetching; it only lists rooms we may see.
  const live = useMemo(() => {
    const next = new Map(counts);
    if (online.length === 0) return next;
    next.clear();
    for (const user of online) for (const roomId of user.rooms) next.set(roomId, (next.get(roomId) ?? 0) + 1);
    return next;
  }, [online, counts]);

  if (rooms === null) return <p className="text-slate-600 dark:text-slate-400">Loading rooms…</p>;
  // Invitations sit above the list: accepting one reloads it with the new room.
  const invitations = <PendingInvitations onAccepted={() => void load()} />;
  const savedNote = savedOnly && (
    <p data-testid="offline-rooms-note" className="text-sm text-slate-600 dark:text-slate-300">
      Offline: these are the rooms saved in this browser.
    </p>
  );
  if (rooms.length === 0) {
    return (
      <>
        {invitations}
        <p className="text-slate-500 dark:text-slate-400">
          {savedOnly ? "Offline, and no room is saved in this browser yet." : "No rooms yet. Create the first one above."}
        </p>
      </>
    );
  }
  const field = "min-h-10 rounded border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-600 dark:bg-slate-900";
  return (
    <>
      {invitations}
      {savedNote}
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex min-w-48 flex-1 flex-col gap-1 text-sm">
          Find a room
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Room name" className={field} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Sort by
          <select value={sort} onChange={(e) => setSort(e.target.value as RoomSort)} className={field}>
            {(Object.keys(SORT_LABELS) as RoomSort[]).map((key) => (
              <option key={key} value={key}>
                {SORT_LABELS[key]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="sr-only" aria-live="polite">
        {query ? `${shown.length} of ${rooms.length} rooms match.` : ""}
      </p>
      {shown.length === 0 && <p className="text-slate-600 dark:text-slate-300">No room names contain “{query}”.</p>}
      <ul aria-label="Rooms" className="grid gap-3 sm:grid-cols-2">
        {shown.map((room) => {
          const count = live.get(room.id) ?? 0;
          return (
            <li key={room.id} data-testid="room-item">
              <a
                href={`#/rooms/${room.id}`}
                className="block rounded-xl bg-white p-4 shadow-sm hover:ring-2 hover:ring-indigo-300 focus:ring-2 focus:ring-indigo-500 focus:outline-none dark:bg-slate-900"
              >
                <span className="flex items-center gap-2 font-medium">
                  <span className="min-w-0 truncate" data-testid="room-item-name">{room.name}</span>
                  {(room.unread ?? 0) > 0 && (
                    <span data-testid="room-unread" className="shrink-0 rounded-full bg-indigo-600 px-2 py-0.5 text-xs font-semibold text-white">
                      {room.unread! >= 100 ? "99+" : room.unread}
                      <span className="sr-only"> unread</span>
                    </span>
                  )}
                  {count > 0 && (
                    <span className="ml-auto shrink-0 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100">
                      {count} here now
                    </span>
                  )}
                </span>
                <span className="mt-1 flex flex-wrap gap-x-2 text-xs text-slate-600 dark:text-slate-300">
                  <span>{room.visibility}</span>
                  {room.role && <span>· {room.role}</span>}
                  <span data-testid="room-count">· {count} {count === 1 ? "person" : "people"} here</span>
                  <span data-testid="room-activity">· active {activityAgo(room)}</span>
                </span>
              </a>
            </li>
          );
        })}
      </ul>
    </>
  );
}
