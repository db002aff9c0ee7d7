// Opens a room's live document for as long as the component showing it is mounted.
import { useEffect, useState, useSyncExternalStore } from "react";
import { RoomConnection, type RoomSnapshot } from "../lib/room-connection.ts";
import { useToast } from "./useToast.ts";

/** `generation`: bump it to open a fresh connection (after discarding unsent edits). */
export function useRoomConnection(roomId: string, userId: string, generation = 0): RoomConnection | null {
  const toast = useToast();
  const [connection, setConnection] = useState<RoomConnection | null>(null);
  useEffect(() => {
    const next = new RoomConnection(roomId, userId, (message) => toast.error(message));
    setConnection(next);
    return () => {
      setConnection(null);
      next.destroy();
    };
  }, [roomId, userId, generation, toast]);
  return connection;
}

const IDLE: RoomSnapshot = { link: "connecting", synced: false, unsaved: false, access: null, refused: null };

export function useRoomState(connection: RoomConnection | null): RoomSnapshot {
  return useSyncExternalStore(
    (listener) => connection?.subscribe(listener) ?? (() => undefined),
    () => connection?.state ?? IDLE,
  );
}
