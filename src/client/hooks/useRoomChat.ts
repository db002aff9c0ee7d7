// A room's chat channel: messages (oldest first), paging back on demand, typing, errors.
import { useCallback, useEffect, useRef, useState } from "react";
import { MAX_PAGE, messageBody, roomChannel, type ChatMessage, type ServerFrame } from "../../shared/chat-protocol.ts";
import { useChatClient } from "./useChat.ts";

const TYPING_SHOWN_MS = 3_000;
const TYPING_EVERY_MS = 2_000;

type RoomChat = {
  messages: ChatMessage[];
  /** The channel's first page has arrived (until then, hasOlder says nothing). */
  subscribed: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  typing: string[];
  error: string | null;
  send: (body: string) => boolean;
  /** Asks for the page before the oldest message held; `limit` up to MAX_PAGE (30 by default). */
  loadOlder: (limit?: number) => void;
  noteTyping: () => void;
};

function merge(current: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

export function useRoomChat(roomId: string, myId: string): RoomChat {
  const client = useChatClient();
  const channel = roomChannel(roomId);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [subscribed, setSubscribed] = useState(false);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [typingUsers, setTypingUsers] = useState<Map<string, { name: string; until: number }>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const lastTypingSent = useRef(0);
  const nonces = useRef(new Set<string>());

  useEffect(() => {
    const stop = client.listen((frame: ServerFrame) => {
      switch (frame.type) {
        case "subscribed":
          if (frame.channel !== channel) return;
          setMessages((current) => merge(current, frame.messages));
          setNextBefore(frame.nextBefore);
          setSubscribed(true);
          return;
        case "history":
          if (frame.channel !== channel) return;
          setMessages((current) => merge(current, frame.messages));
          setNextBefore(frame.nextBefore);
          setLoadingOlder(false);
          return;
        case "message":
        case "edited":
          if (frame.message.channel !== channel) return;
          setMessages((current) => merge(current, [frame.message]));
          setTypingUsers((current) => {
            const next = new Map(current);
            if (frame.message.userId) next.delete(frame.message.userId);
            return next;
          });
          return;
        case "deleted":
          if (frame.channel === channel) setMessages((current) => current.filter((m) => m.id !== frame.id));
          return;
        case "typing":
          if (frame.channel !== channel || frame.user.id === myId) return;
          setTypingUsers((current) => new Map(current).set(frame.user.id, { name: frame.user.name, until: Date.now() + TYPING_SHOWN_MS }));
          return;
        case "error":
          // Errors answering our own sends carry our nonce; others (rate limit, forbidden) are ours too.
          if (frame.ref && !nonces.current.has(frame.ref)) return;
          setLoadingOlder(false);
          setError(
            frame.code === "rate_limited" && frame.retryAfterMs
              ? `${frame.message} Try again in ${Math.ceil(frame.retryAfterMs / 1000)} s.`
              : frame.message,
          );
          return;
      }
    });
    const unsubscribe = client.subscribe(channel);
    return () => {
      unsubscribe();
      stop();
    };
  }, [client, channel, myId]);

  // Expire typing indicators without keeping a timer per user.
  useEffect(() => {
    if (typingUsers.size === 0) return;
    const soonest = Math.min(...[...typingUsers.values()].map((t) => t.until));
    const timer = setTimeout(
      () => setTypingUsers((current) => new Map([...current].filter(([, t]) => t.until > Date.now()))),
      Math.max(0, soonest - Date.now()) + 50,
    );
    return () => clearTimeout(timer);
  }, [typingUsers]);

  const send = useCallback(
    (body: string) => {
      const checked = messageBody.safeParse(body);
      if (!checked.success) {
        setError(checked.error.issues[0]?.message ?? "Invalid message.");
        return false;
      }
      const nonce = crypto.randomUUID();
      nonces.current.add(nonce);
      client.send({ type: "send", channel, body: checked.data, nonce });
      setError(null);
      return true;
    },
    [client, channel],
  );

  const loadOlder = useCallback(
    (limit = 30) => {
      if (nextBefore === null || loadingOlder) return;
      setLoadingOlder(true);
      if (!client.sendNow({ type: "history", channel, before: nextBefore, limit: Math.min(limit, MAX_PAGE) })) setLoadingOlder(false);
    },
    [client, channel, nextBefore, loadingOlder],
  );

  const noteTyping = useCallback(() => {
    const now = Date.now();
    if (now - lastTypingSent.current < TYPING_EVERY_MS) return;
    lastTypingSent.current = now;
    // Typing is only worth sending live: never queued.
    client.sendNow({ type: "typing", channel });
  }, [client, channel]);

  return {
    messages,
    subscribed,
    hasOlder: nextBefore !== null,
    loadingOlder,
    typing: [...typingUsers.values()].map((t) => t.name),
    error,
    send,
    loadOlder,
    noteTyping,
  };
}
