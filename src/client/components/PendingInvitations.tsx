// Invitations waiting for the signed-in user's answer: a room joins their list only once accepted.
import { useCallback, useEffect, useState } from "react";
import { api } from "../api.ts";
import { isNetworkFailure } from "../lib/offline-memory.ts";
import { useToast } from "../hooks/useToast.ts";
import type { Invitation } from "../../shared/api-types.ts";

const REFRESH_MS = 15_000;

export function PendingInvitations({ onAccepted }: { onAccepted: () => void }) {
  const toast = useToast();
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setInvitations((await api<{ invitations: Invitation[] }>("/api/invitations")).invitations);
    } catch (error) {
      // Offline, the room list says so once; a toast every refresh would only repeat it.
      if (!isNetworkFailure(error)) toast.error(error);
    }
  }, [toast]);

  // Invitations arrive while the list is open: look again now and then, and when the tab
  // comes back into view.
  useEffect(() => {
    void load();
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void load();
    }, REFRESH_MS);
    const onVisible = () => document.visibilityState === "visible" && void load();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [load]);

  const answer = async (invitation: Invitation, action: "accept" | "decline") => {
    setBusy(invitation.id);
    try {
      await api(`/api/invitations/${invitation.id}/${action}`, { method: "POST" });
      toast.info(action === "accept" ? `You joined “${invitation.roomName}” as ${invitation.role}.` : `Declined the invitation to “${invitation.roomName}”.`);
      if (action === "accept") onAccepted();
    } catch (error) {
      toast.error(error);
    } finally {
      setBusy(null);
      // Gone either way: answered now, or withdrawn (room deleted) since the list was loaded.
      await load();
    }
  };

  if (invitations.length === 0) return null;
  return (
    <section aria-label="Invitations" className="mb-4 rounded-xl border border-indigo-200 bg-indigo-50 dark:bg-indigo-950 p-4">
      <h2 className="mb-2 text-sm font-semibold text-indigo-900">Invitations waiting for you</h2>
      <ul className="space-y-2">
        {invitations.map((inv) => (
          <li key={inv.id} data-testid="invitation" className="flex flex-wrap items-center gap-2 text-sm">
            <span className="min-w-0 flex-1">
              <span className="font-medium">{inv.roomName}</span>
              <span className="text-slate-600 dark:text-slate-300">
                {" "}
                as {inv.role}
                {inv.invitedBy ? `, from ${inv.invitedBy.name}` : ", from an administrator"}
              </span>
            </span>
            <button
              type="button"
              disabled={busy === inv.id}
              onClick={() => void answer(inv, "accept")}
              className="rounded bg-indigo-600 px-3 py-1 text-white hover:bg-indigo-700 disabled:opacity-50"
            >
              Accept
            </button>
            <button
              type="button"
              disabled={busy === inv.id}
              onClick={() => void answer(inv, "decline")}
              className="rounded px-3 py-1 text-slate-700 dark:text-slate-200 hover:bg-white disabled:opacity-50"
            >
              Decline
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
