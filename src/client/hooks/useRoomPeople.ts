// Who can be mentioned in a room: its members (GET /api/rooms/:id/members) and, in a public room,
// anyone viewing it now (presence). Also the names mentions are shown with.
import { type RefObject, useEffect, useMemo, useRef, useState } from "react";
import { api } from "../api.ts";
import type { PresenceUser } from "../../shared/chat-protocol.ts";
import { useChatClient, useOnline } from "./useChat.ts";
import type { Member } from "../../shared/api-types.ts";

export type Person = { id: string; name: string };

function loadMembers(roomId: string): Promise<Person[]> {
  return api<{ members: Member[] }>(`/api/rooms/${roomId}/members`).then(
    (page) => page.members.map((m) => ({ id: m.userId, name: m.name })),
    () => [], // offline or no longer allowed: the people here now are still offered
  );
}

function namesOf(members: Person[], online: Iterable<PresenceUser>, roomId: string): Map<string, string> {
  const byId = new Map(members.map((p) => [p.id, p.name]));
  for (const user of online) if (user.rooms.includes(roomId) && !byId.has(user.id)) byId.set(user.id, user.name);
  return byId;
}

const toPeople = (names: Map<string, string>): Person[] => [...names].map(([id, name]) => ({ id, name }));

export function useRoomPeople(roomId: string): { people: Person[]; names: ReadonlyMap<string, string> } {
  const online = useOnline();
  const [members, setMembers] = useState<Person[]>([]);
  useEffect(() => {
    let current = true;
    void loadMembers(roomId).then((people) => current && setMembers(people));
    return () => {
      current = false;
    };
  }, [roomId]);
  return useMemo(() => {
    const names = namesOf(members, online, roomId);
    return { people: toPeople(names), names };
  }, [members, online, roomId]);
}

/**
 * The same people, kept in a ref that follows presence without rendering again: for the
 * document's @ list, read when someone types, so the editor is not re-rendered on every
 * presence change anywhere.
 */
export function useRoomPeopleRef(roomId: string): RefObject<Person[]> {
  const client = useChatClient();
  const people = useRef<Person[]>([]);
  useEffect(() => {
    let members: Person[] = [];
    let current = true;
    const update = () => void (people.current = toPeople(namesOf(members, client.online.values(), roomId)));
    update();
    void loadMembers(roomId).then((loaded) => {
      if (!current) return;
      members = loaded;
      update();
    });
    const stop = client.listen((frame) => {
      if (frame.type === "welcome" || frame.type === "presence") update();
    });
    return () => {
      current = false;
      stop();
    };
  }, [client, roomId]);
  return people;
}
