// People connected to the room's document right now, from Yjs awareness (one per user).
import { useEffect, useState } from "react";
import type YProvider from "y-partyserver/provider";

export type AwarenessUser = { id: string; name: string; color: string };

function read(provider: YProvider): AwarenessUser[] {
  const byId = new Map<string, AwarenessUser>();
  for (const state of provider.awareness.getStates().values()) {
    const user = (state as { user?: Partial<AwarenessUser> }).user;
    if (user?.id && user.name) byId.set(user.id, { id: user.id, name: user.name, color: user.color ?? "#64748b" });
  }
  return [...byId.values()];
}

export function useAwarenessUsers(provider: YProvider | null): AwarenessUser[] {
  const [users, setUsers] = useState<AwarenessUser[]>([]);
  useEffect(() => {
    if (!provider) return;
    const onChange = () => setUsers(read(provider));
    onChange();
    provider.awareness.on("change", onChange);
    return () => provider.awareness.off("change", onChange);
  }, [provider]);
  return users;
}
