// While a room's chat is on screen (its panel shown, the tab visible), its newest message is
// marked read (POST /api/rooms/:id/read), a moment after it arrives so a burst costs one request.
// The server keeps the mark per user and tells every tab of theirs (the `read` frame).
import { useEffect, useRef, useSyncExternalStore } from "react";
import { api } from "../api.ts";

const SETTLE_MS = 500;

function useTabVisible(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      document.addEventListener("visibilitychange", onChange);
      return () => document.removeEventListener("visibilitychange", onChange);
    },
    () => document.visibilityState === "visible",
  );
}

export function useMarkChatRead(roomId: string, newestSeq: number | null, shown: boolean): void {
  const visible = useTabVisible() && shown;
  const sent = useRef(-1);
  useEffect(() => {
    if (!visible || newestSeq === null || newestSeq <= sent.current) return;
    const timer = setTimeout(() => {
      sent.current = newestSeq;
      api(`/api/rooms/${roomId}/read`, { method: "POST", body: JSON.stringify({ seq: newestSeq }) }).catch(() => {
        sent.current = -1; // offline or refused: try again with the next message or visit
      });
    }, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [roomId, newestSeq, visible]);
}
