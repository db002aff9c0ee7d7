// The tab's ChatClient, shared through context, and the presence roster as React state.
import { createContext, useContext, useEffect, useState } from "react";
import type { PresenceUser } from "../../shared/chat-protocol.ts";
import type { ChatClient } from "../lib/chat-client.ts";

export const ChatContext = createContext<ChatClient | null>(null);

export function useChatClient(): ChatClient {
  const client = useContext(ChatContext);
  if (!client) throw new Error("useChatClient outside the signed-in app");
  return client;
}

/** Everyone online (one entry per user), updated live. */
export function useOnline(): PresenceUser[] {
  const client = useChatClient();
  const [online, setOnline] = useState(() => [...client.online.values()]);
  useEffect(
    () =>
      client.listen((frame) => {
        if (frame.type === "welcome" || frame.type === "presence") setOnline([...client.online.values()]);
      }),
    [client],
  );
  return online;
}
