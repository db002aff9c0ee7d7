// Who is in the room: people editing (awareness) plus people viewing it (presence object).
import { useMemo } from "react";
import { useOnline } from "../hooks/useChat.ts";
import type { AwarenessUser } from "../hooks/useAwarenessUsers.ts";
import { initials } from "../lib/initials.ts";

/** `compact` (a phone's header): one badge with the count, the names in its label. */
export function AvatarStack({ roomId, editing, compact = false }: { roomId: string; editing: AwarenessUser[]; compact?: boolean }) {
  const online = useOnline();
  const people = useMemo(() => {
    const byId = new Map<string, AwarenessUser>();
    for (const user of online) if (user.rooms.includes(roomId)) byId.set(user.id, { id: user.id, name: user.name, color: user.colour });
    for (const user of editing) byId.set(user.id, user);
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  }, [online, editing, roomId]);

  if (compact) {
    return (
      <span
        role="img"
        aria-label={`${people.length} ${people.length === 1 ? "person" : "people"} in this room: ${people.map((p) => p.name).join(", ")}`}
        data-testid="people-count"
        className="flex h-8 min-w-8 items-center justify-center rounded-full bg-slate-200 px-2 text-xs font-semibold text-slate-800 dark:bg-slate-700 dark:text-slate-100"
      >
        {people.length}
      </span>
    );
  }
  return (
    <ul aria-label="People in this room" className="flex -space-x-2">
      {people.map((person) => (
        <li
          key={person.id}
          title={person.name}
          aria-label={person.name}
          data-testid="avatar"
          className="flex h-8 w-8 items-center justify-center rounded-full border-2 border-white text-xs font-semibold text-white"
          style={{ backgroundColor: person.color }}
        >
          {initials(person.name)}
        </li>
      ))}
    </ul>
  );
}
