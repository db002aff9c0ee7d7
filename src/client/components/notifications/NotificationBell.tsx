// The header's bell: the unread count, live over the chat socket, and the inbox behind it (a
// panel under the bell; on a phone a full-screen sheet). Opening a notification marks it read
// and goes to its place; the footer holds the email preference.
import { useContext, useEffect, useRef, useState } from "react";
import { api } from "../../api.ts";
import { ChatContext } from "../../hooks/useChat.ts";
import { useInboxCount } from "../../hooks/useInboxCount.ts";
import { useIsPhone } from "../../hooks/useMediaQuery.ts";
import { useToast } from "../../hooks/useToast.ts";
import { openNotificationUrl } from "../../lib/notification-target.ts";
import type { Notification } from "../../../shared/api-types.ts";
import { EmailPreference } from "./EmailPreference.tsx";

const PAGE = 20;

const SAYS: Record<Notification["kind"], string> = {
  mention: "mentioned you in",
  reply: "replied to a thread in",
  invitation: "invited you to",
  access_changed: "changed your access to",
};

/** "Alice mentioned you in Plans": the actor (Roomful for the system) and what they did where. */
export function notificationTitle(n: Notification): string {
  const actor = n.actor ? (n.actor.name ?? "Deleted account") : "Roomful";
  return `${actor} ${SAYS[n.kind]} ${n.roomName ?? "a room"}`;
}

export function NotificationBell() {
  const { count, setCount } = useInboxCount(useContext(ChatContext));
  // `#/inbox` (the digest email's "…and N more" link) opens the inbox.
  const [open, setOpen] = useState(() => window.location.hash === "#/inbox");
  useEffect(() => {
    const onHash = () => window.location.hash === "#/inbox" && setOpen(true);
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  const unread = count ?? 0;
  const shown = unread > 99 ? "99+" : String(unread);
  return (
    <>
      <button
        type="button"
        aria-label={`Notifications, ${unread} unread`}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
        className="relative inline-flex min-h-11 min-w-11 items-center justify-center rounded text-slate-200 hover:bg-slate-800 hover:text-white md:min-h-8 md:min-w-8"
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread > 0 && (
          <span data-testid="bell-count" aria-hidden="true" className="absolute -top-0.5 -right-0.5 min-w-4 rounded-full bg-red-600 px-1 text-center text-[10px] leading-4 font-bold text-white">
            {shown}
          </span>
        )}
      </button>
      {open && <Inbox onClose={() => setOpen(false)} onCount={setCount} />}
    </>
  );
}

function Inbox({ onClose, onCount }: { onClose: () => void; onCount: (count: number) => void }) {
  const toast = useToast();
  const phone = useIsPhone();
  const dialog = useRef<HTMLDialogElement>(null);
  const [items, setItems] = useState<Notification[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const load = async (cursor: string | null) => {
    setLoading(true);
    try {
      const page = await api<{ notifications: Notification[]; unreadCount: number; nextCursor: string | null }>(
        `/api/inbox?${new URLSearchParams({ limit: String(PAGE), ...(cursor && { cursor }) })}`,
      );
      setItems((current) => (cursor && current ? [...current, ...page.notifications] : page.notifications));
      setNextCursor(page.nextCursor);
      onCount(page.unreadCount);
    } catch (error) {
      toast.error(error);
    } finally {
      setLoading(false);
    }
  };
  // The first page, once, when the inbox opens.
  useEffect(() => void load(null), []);

  const markRead = async (body: { ids: string[] } | { all: true }) => {
    const { unreadCount } = await api<{ unreadCount: number }>("/api/inbox/read", { method: "POST", body: JSON.stringify(body) });
    onCount(unreadCount);
    const now = new Date().toISOString();
    setItems((current) => current?.map((n) => ("all" in body || body.ids.includes(n.id) ? { ...n, readAt: n.readAt ?? now } : n)) ?? null);
  };

  const openOne = (n: Notification) => {
    if (!n.readAt) markRead({ ids: [n.id] }).catch(toast.error);
    onClose();
    openNotificationUrl(n.url);
  };

  const anyUnread = items?.some((n) => !n.readAt) ?? false;
  return (
    <dialog
      ref={dialog}
      aria-label="Notifications"
      onClose={onClose}
      onClick={(event) => event.target === dialog.current && onClose()}
      className={
        phone
          ? "m-0 h-dvh max-h-none w-screen max-w-none bg-white text-slate-900 dark:bg-slate-900 dark:text-slate-100"
          : "mt-12 mr-4 ml-auto max-h-[80dvh] w-[26rem] rounded-xl bg-white text-slate-900 shadow-xl backdrop:bg-slate-900/20 dark:bg-slate-800 dark:text-slate-100"
      }
    >
      <div className="flex h-full max-h-[inherit] flex-col">
        <div className="flex items-center gap-2 border-b border-slate-200 px-3 py-2 dark:border-slate-700">
          {phone && (
            <button type="button" onClick={onClose} className="min-h-11 rounded px-2 text-sm font-medium text-indigo-700 dark:text-indigo-300">
              ← Back
            </button>
          )}
          <h2 className="font-semibold">Notifications</h2>
          <button
            type="button"
            disabled={!anyUnread}
            onClick={() => markRead({ all: true }).catch(toast.error)}
            className="ml-auto min-h-9 rounded px-2 text-sm text-indigo-700 hover:underline disabled:text-slate-400 disabled:no-underline dark:text-indigo-300"
          >
            Mark all read
          </button>
        </div>
        <div className="min-h-0 flex-1 overflow-y-auto">
          {items === null && <p className="p-4 text-sm text-slate-600 dark:text-slate-400">Loading…</p>}
          {items?.length === 0 && <p className="p-4 text-sm text-slate-600 dark:text-slate-400">Nothing yet. Mentions, replies and invitations show up here.</p>}
          <ul aria-label="Inbox" className="divide-y divide-slate-100 dark:divide-slate-700">
            {items?.map((n) => (
              <li key={n.id} data-testid="notification" data-unread={!n.readAt || undefined}>
                <button type="button" onClick={() => openOne(n)} className="flex w-full gap-2 px-3 py-2 text-left text-sm hover:bg-slate-50 dark:hover:bg-slate-700">
                  <span aria-hidden="true" className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${n.readAt ? "" : "bg-indigo-600"}`} />
                  <span className="min-w-0 flex-1">
                    <span className={`block ${n.readAt ? "" : "font-semibold"}`}>
                      {notificationTitle(n)}
                      {!n.readAt && <span className="sr-only"> (unread)</span>}
                    </span>
                    {n.excerpt && <span className="block truncate text-slate-600 dark:text-slate-300">{n.excerpt}</span>}
                    <time className="block text-xs text-slate-500 dark:text-slate-400" dateTime={n.createdAt}>
                      {new Date(n.createdAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}
                    </time>
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {nextCursor && (
            <button type="button" disabled={loading} onClick={() => void load(nextCursor)} className="m-3 min-h-9 rounded border border-slate-300 px-3 text-sm dark:border-slate-600">
              {loading ? "Loading…" : "Load more"}
            </button>
          )}
        </div>
        <EmailPreference />
      </div>
    </dialog>
  );
}
