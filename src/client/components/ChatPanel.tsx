import { useEffect, useLayoutEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { MAX_MESSAGE_CHARS, MAX_PAGE } from "../../shared/chat-protocol.ts";
import { shownName } from "../../shared/display-name.ts";
import { useRoomChat } from "../hooks/useRoomChat.ts";
import { colourFor } from "../../shared/colour.ts";
import { useMessageTarget } from "../lib/room-target.ts";
import { useMarkChatRead } from "../hooks/useMarkChatRead.ts";
import { useRoomPeople } from "../hooks/useRoomPeople.ts";
import { MentionText } from "./mentions/MentionText.tsx";
import { useMentionAutocomplete } from "./mentions/useMentionAutocomplete.tsx";

/** `visible`: the panel is on screen (its tab, or a phone's open sheet): new messages are marked read. */
export function ChatPanel({ roomId, myId, visible = false }: { roomId: string; myId: string; visible?: boolean }) {
  const chat = useRoomChat(roomId, myId);
  const [draft, setDraft] = useState("");
  const { people, names: memberNames } = useRoomPeople(roomId);
  const mentions = useMentionAutocomplete({ value: draft, onChange: setDraft, people, myId });
  // Authors of messages held are known by name too (a public room's past visitors).
  const names = useMemo(() => {
    const all = new Map(memberNames);
    for (const m of chat.messages) if (m.userId && !all.has(m.userId)) all.set(m.userId, shownName(m.userName));
    return all;
  }, [memberNames, chat.messages]);
  useMarkChatRead(roomId, chat.messages.at(-1)?.seq ?? null, visible);
  const list = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const heightBefore = useRef(0);
  const target = useMessageTarget();
  const [landed, setLanded] = useState<string | null>(null);
  const reached = useRef<typeof target>(null);

  // Keep the newest message in view unless the reader scrolled up; keep the position when
  // older messages are prepended.
  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    if (stickToBottom.current) el.scrollTop = el.scrollHeight;
    else if (heightBefore.current) el.scrollTop += el.scrollHeight - heightBefore.current;
    heightBefore.current = 0;
  }, [chat.messages]);

  // A short history does not scroll at all: fetch older pages until it does.
  useEffect(() => {
    const el = list.current;
    if (el && chat.hasOlder && !chat.loadingOlder && el.scrollHeight <= el.clientHeight) chat.loadOlder();
  }, [chat]);

  // A link to a message (a search hit): page back, a full page at a time, until it is loaded,
  // then scroll it into view and mark it. Stops when the history has passed its seq or ended
  // (the message was deleted since it was indexed).
  useEffect(() => {
    if (!target || reached.current === target || !chat.subscribed) return;
    stickToBottom.current = false;
    const found = chat.messages.some((m) => m.id === target.id);
    const oldest = chat.messages[0]?.seq;
    const passed = target.seq !== null && oldest !== undefined && oldest < target.seq;
    if (found || passed || !chat.hasOlder) {
      reached.current = target;
      setLanded(found ? target.id : null);
      if (found) list.current?.querySelector(`[data-message-id="${CSS.escape(target.id)}"]`)?.scrollIntoView({ block: "center" });
      return;
    }
    if (!chat.loadingOlder) chat.loadOlder(MAX_PAGE);
  }, [target, chat]);

  const onScroll = () => {
    const el = list.current!;
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (el.scrollTop < 40 && chat.hasOlder && !chat.loadingOlder) {
      heightBefore.current = el.scrollHeight;
      chat.loadOlder();
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    stickToBottom.current = true;
    if (chat.send(mentions.toBody(draft))) setDraft("");
  };

  return (
    <section aria-label="Chat" className="flex h-full min-h-0 flex-col">
      {/* A log (a polite live region): screen readers announce new messages. */}
      <div ref={list} onScroll={onScroll} role="log" aria-label="Messages" tabIndex={0} className="flex-1 overflow-y-auto p-3 text-sm">
        <ol className="space-y-2">
          {chat.loadingOlder && <li className="text-center text-xs text-slate-600 dark:text-slate-400">Loading older messages…</li>}
          {!chat.hasOlder && chat.messages.length > 0 && <li className="text-center text-xs text-slate-600 dark:text-slate-400">Start of the conversation</li>}
          {chat.messages.map((m) =>
            // Admin-token messages are Roomful speaking; older stored ones have no authorKind but no userId either.
            m.authorKind === "system" || m.userId === null ? (
              <li key={m.id} data-testid="chat-message" data-message-id={m.id} data-landing={landed === m.id || undefined} data-author-kind="system" className={`rounded border border-amber-200 dark:border-amber-800 bg-amber-50 dark:bg-amber-950 px-2 py-1 ${landed === m.id ? "outline-2 outline-offset-2 outline-amber-500" : ""}`}>
                <span className="rounded bg-amber-600 px-1.5 text-xs font-semibold tracking-wide text-white uppercase">System</span>{" "}
                <time className="text-xs text-slate-600 dark:text-slate-400" dateTime={m.createdAt}>
                  {new Date(m.createdAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
                </time>
                <p className="break-words whitespace-pre-wrap">{m.body}</p>
              </li>
            ) : (
              <li
                key={m.id}
                data-testid="chat-message"
                data-message-id={m.id}
                data-landing={landed === m.id || undefined}
                data-author-kind="user"
                className={landed === m.id ? "rounded outline-2 outline-offset-2 outline-amber-500" : undefined}
              >
                {/* The person's colour as a dot: their colour as text would be unreadable on some backgrounds. */}
                <span className="mr-1 inline-block h-2.5 w-2.5 rounded-full" style={{ backgroundColor: colourFor(m.userId) }} aria-hidden="true" />
                <span className="font-semibold">{shownName(m.userName)}</span>{" "}
                <time className="text-xs text-slate-600 dark:text-slate-400" dateTime={m.createdAt}>
                  {new Date(m.createdAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
                </time>
                <p className="break-words whitespace-pre-wrap">
                  <MentionText body={m.body} names={names} myId={myId} />
                </p>
              </li>
            ),
          )}
        </ol>
      </div>
      <p className="h-5 px-3 text-xs text-slate-500 dark:text-slate-400" aria-live="polite">
        {chat.typing.length > 0 && `${chat.typing.map(shownName).join(", ")} ${chat.typing.length === 1 ? "is" : "are"} typing…`}
      </p>
      {chat.error && (
        <p role="alert" className="mx-3 rounded bg-red-50 dark:bg-red-950 px-2 py-1 text-xs text-red-700 dark:text-red-300">
          {chat.error}
        </p>
      )}
      <form onSubmit={submit} className="relative flex gap-2 border-t border-slate-200 dark:border-slate-700 p-3">
        <label htmlFor="chat-input" className="sr-only">
          Message
        </label>
        <input
          id="chat-input"
          value={draft}
          maxLength={MAX_MESSAGE_CHARS + 100}
          {...mentions.fieldProps}
          onChange={(e) => {
            setDraft(e.target.value);
            mentions.fieldProps.onSelect(e);
            chat.noteTyping();
          }}
          placeholder="Message the room"
          className="flex-1 rounded border border-slate-300 dark:border-slate-600 px-2 py-1 text-sm"
        />
        <button type="submit" className="rounded bg-indigo-600 px-3 py-1 text-sm text-white hover:bg-indigo-700">
          Send
        </button>
        {mentions.menu}
      </form>
    </section>
  );
}
