// A room's comment threads, live: loaded over REST, then kept current by the room socket's
// comment notices (anyone's change, REST included). Reloaded whenever the socket (re)syncs, so
// notices missed while disconnected are not.
import { useCallback, useEffect, useState } from "react";
import { api } from "../api.ts";
import type { RoomConnection } from "../lib/room-connection.ts";
import { useRoomState } from "./useRoomConnection.ts";
import type { Thread } from "../../shared/comments.ts";

export function useCommentThreads(roomId: string, connection: RoomConnection | null) {
  const [threads, setThreads] = useState<Thread[]>([]);
  const synced = useRoomState(connection).synced;

  const reload = useCallback(async () => {
    const { threads } = await api<{ threads: Thread[] }>(`/api/rooms/${roomId}/comments?status=all`);
    setThreads(threads);
  }, [roomId]);

  useEffect(() => {
    if (synced) reload().catch(() => {}); // offline: the threads seen last stay
  }, [synced, reload]);

  useEffect(() => {
    if (!connection) return;
    return connection.onCommentNotice((notice) => {
      setThreads((all) => {
        if (notice.type === "comment-thread-deleted") return all.filter((t) => t.id !== notice.threadId);
        const at = all.findIndex((t) => t.id === notice.thread.id);
        return at === -1 ? [...all, notice.thread] : all.map((t, i) => (i === at ? notice.thread : t));
      });
    });
  }, [connection]);

  /** A thread the caller just changed over REST: shown at once, without waiting for its notice. */
  const upsert = useCallback((thread: Thread) => {
    setThreads((all) => (all.some((t) => t.id === thread.id) ? all.map((t) => (t.id === thread.id ? thread : t)) : [...all, thread]));
  }, []);
  const remove = useCallback((threadId: string) => setThreads((all) => all.filter((t) => t.id !== threadId)), []);

  return { threads, upsert, remove, reload };
}
