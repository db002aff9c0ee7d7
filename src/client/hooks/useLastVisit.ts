// When this user last had this room open, for "changes since your last visit". Kept in
// localStorage per user and room (a browser's own memory: another device has its own): the
// value read when the room opens is the previous visit; leaving the room (or the page) writes now.
import { useEffect, useState } from "react";

const keyFor = (userId: string, roomId: string) => `roomful:last-visit:${userId}:${roomId}`;

function read(userId: string, roomId: string): string | null {
  try {
    const value = localStorage.getItem(keyFor(userId, roomId));
    return value && !Number.isNaN(Date.parse(value)) ? value : null;
  } catch {
    return null; // storage disabled: every visit is a first one
  }
}

function write(userId: string, roomId: string): void {
  try {
    localStorage.setItem(keyFor(userId, roomId), new Date().toISOString());
  } catch {
    // storage disabled or full: nothing to remember
  }
}

/** The previous visit's time (ISO), or null on a first visit; this visit is recorded on leaving. */
export function useLastVisit(userId: string, roomId: string): string | null {
  const key = keyFor(userId, roomId);
  // Read once per room: the effect's cleanup writes "now", and a re-read after it (React's
  // StrictMode runs effects twice) would lose the previous visit.
  const [visit, setVisit] = useState(() => ({ key, previous: read(userId, roomId) }));
  if (visit.key !== key) setVisit({ key, previous: read(userId, roomId) });
  useEffect(() => {
    const leave = () => write(userId, roomId);
    window.addEventListener("pagehide", leave);
    return () => {
      window.removeEventListener("pagehide", leave);
      leave();
    };
  }, [userId, roomId]);
  return visit.key === key ? visit.previous : read(userId, roomId);
}
