// The room (its Yjs document, the Tiptap editor and the panels) is its own chunk: the sign-in
// page and the room list do not wait for the editor. The list fetches it while idle, so opening a
// room rarely waits either; the service worker caches it with the rest of the shell.
import { lazy, Suspense } from "react";
import type { User } from "../../shared/api-types.ts";

const load = () => import("./RoomView.tsx");
const RoomViewChunk = lazy(() => load().then((module) => ({ default: module.RoomView })));

/** A page opened on a room fetches the chunk at once, beside the session check; others when idle. */
export function preloadRoomView(): void {
  const start = () => void load().catch(() => {}); // a failed prefetch is retried when the room opens
  if (window.location.hash.startsWith("#/rooms/")) start();
  else if ("requestIdleCallback" in window) requestIdleCallback(start, { timeout: 2_000 });
  else setTimeout(start, 500);
}

export function LazyRoomView({ roomId, user }: { roomId: string; user: User }) {
  return (
    <Suspense fallback={<p className="p-8 text-slate-600 dark:text-slate-400">Opening the room…</p>}>
      <RoomViewChunk roomId={roomId} user={user} />
    </Suspense>
  );
}
