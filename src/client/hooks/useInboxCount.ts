// The signed-in user's unread notification count: asked of GET /api/inbox when the chat socket
// (re)connects, then moved by the socket's `inbox` frames, which every tab of the user receives.
import { useEffect, useState } from "react";
import { api } from "../api.ts";
import type { ChatClient } from "../lib/chat-client.ts";

export function useInboxCount(client: ChatClient | null): { count: number | null; setCount: (count: number) => void } {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (!client) return setCount(null);
    let current = true;
    const load = () =>
      api<{ unreadCount: number }>("/api/inbox?unread=true&limit=1").then(
        (page) => current && setCount(page.unreadCount),
        () => {}, // offline: the bell shows no number until the socket is back
      );
    void load();
    const stop = client.listen((frame) => {
      if (frame.type === "inbox") setCount(frame.unreadCount);
      // A reconnect may have missed frames: ask again.
      else if (frame.type === "welcome") void load();
    });
    return () => {
      current = false;
      stop();
    };
  }, [client]);
  return { count, setCount };
}
