// A room's files, fresh without reload: after an upload or delete we bump a counter in our
// Yjs awareness state, which the room relays to everyone at once; other tabs refetch when
// they see it move. A slow poll covers anything the push misses (e.g. REST uploads).
import { useCallback, useEffect, useRef, useState } from "react";
import type YProvider from "y-partyserver/provider";
import { api } from "../api.ts";
import type { StoredFile } from "../../shared/api-types.ts";
import { useToast } from "./useToast.ts";

const POLL_MS = 5_000;

export function useRoomFiles(roomId: string, provider: YProvider | null, active: boolean) {
  const toast = useToast();
  const [files, setFiles] = useState<StoredFile[] | null>(null);
  const seen = useRef(new Map<number, number | undefined>());

  const refresh = useCallback(async () => {
    try {
      const { files } = await api<{ files: StoredFile[] }>(`/api/files?roomId=${roomId}&limit=100`);
      setFiles(files);
    } catch (error) {
      toast.error(error);
    }
  }, [roomId, toast]);

  const announce = useCallback(() => {
    const awareness = provider?.awareness;
    if (!awareness) return;
    const current = (awareness.getLocalState() as { filesRev?: number } | null)?.filesRev ?? 0;
    awareness.setLocalStateField("filesRev", current + 1);
  }, [provider]);

  useEffect(() => {
    if (!active) return;
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [active, refresh]);

  useEffect(() => {
    if (!provider || !active) return;
    const awareness = provider.awareness;
    const onChange = () => {
      let moved = false;
      for (const [clientId, state] of awareness.getStates()) {
        if (clientId === awareness.clientID) continue;
        const rev = (state as { filesRev?: number }).filesRev;
        if (rev !== undefined && seen.current.get(clientId) !== rev) moved = true;
        seen.current.set(clientId, rev);
      }
      if (moved) void refresh();
    };
    onChange();
    awareness.on("change", onChange);
    return () => awareness.off("change", onChange);
  }, [provider, active, refresh]);

  return { files, refresh, announce };
}
