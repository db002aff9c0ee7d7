// Who can be mentioned in a room: its members (GET /api/rooms/:id/members) and, in a public room,
// anyone viewing it now (presence). Also the names mentions are shown with.
import { useEffect, useMemo, useState } from "react";
import { api } from "../api.ts";
import { useOnline } from "./useChat.ts";
import type { Member } from "../../shared/api-types.ts";

export type Person = { id: string; name: string };

export function useRoomPeople(roomId: string): { people: Person[]; names: ReadonlyMap<string, string> } {
  const online = useOnline();
  const [members, setMembers] = useState<Person[]>([]);
  useEffect(() => {
    let current = true;
    api<{ members: Member[] }>(`/api/rooms/${roomId}/members`).then(
      (page) => current && setMembers(page.members.map((m) => ({ id: m.userId, name: m.name }))),
      () => {}, // offline or no longer allowed: the people here now are still offered
    );
    return () => {
      current = false;
    };
  }, [roomId]);
  return useMemo(() => {
    const byId = new Map(members.map((p) => [p.id, p.name]));
    for (const user of online) if (user.rooms.includes(roomId) && !byId.has(user.id)) byId.set(user.id, user.name);
    return { people: [...byId].map(([id, name]) => ({ id, name })), names: byId };
  }, [members, online, roomId]);
}
