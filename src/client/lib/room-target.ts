// Where in a room a link points: a search hit's url adds `?message=<id>&seq=<seq>` (a chat
// message) or `?block=<n>` (a document block) to `#/rooms/:id`. The room is the route
// (route.ts); this reads the rest, and follows the hash so a second hit in the same room lands too.
import { useEffect, useState } from "react";

export type MessageTarget = { id: string; seq: number | null };

export function messageTargetOf(hash: string): MessageTarget | null {
  const query = hash.split("?")[1];
  if (!query) return null;
  const params = new URLSearchParams(query);
  const id = params.get("message");
  if (!id || id.length > 100) return null;
  const seq = Number(params.get("seq"));
  return { id, seq: params.has("seq") && Number.isSafeInteger(seq) && seq >= 0 ? seq : null };
}

/** The chat message the current URL points at, if any (a new object per navigation). */
export function useMessageTarget(): MessageTarget | null {
  const [target, setTarget] = useState(() => messageTargetOf(window.location.hash));
  useEffect(() => {
    const onChange = () => setTarget(messageTargetOf(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return target;
}

/** The comment thread a url points at (`?thread=<id>`, a notification's link). */
export function threadTargetOf(hash: string): string | null {
  const id = new URLSearchParams(hash.split("?")[1] ?? "").get("thread");
  return id && id.length <= 100 ? id : null;
}

/** The thread the current URL points at, if any (again after each navigation to it). */
export function useThreadTarget(): { id: string } | null {
  const read = () => {
    const id = threadTargetOf(window.location.hash);
    return id ? { id } : null;
  };
  const [target, setTarget] = useState(read);
  useEffect(() => {
    const onChange = () => setTarget(read());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return target;
}
