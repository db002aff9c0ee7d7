// Snapshots of the document: take one, preview one, restore one (a live edit for everyone).
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, API_BASE } from "../api.ts";
import { useToast } from "../hooks/useToast.ts";
import type { Snapshot } from "../../shared/api-types.ts";
import { ChangesSinceVisit } from "./ChangesSinceVisit.tsx";

export function HistoryPanel({ roomId, canEdit, active, lastVisit = null }: { roomId: string; canEdit: boolean; active: boolean; lastVisit?: string | null }) {
  const toast = useToast();
  const [snapshots, setSnapshots] = useState<Snapshot[] | null>(null);
  const [preview, setPreview] = useState<{ snapshot: Snapshot; html: string } | null>(null);
  const [label, setLabel] = useState("");
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    try {
      setSnapshots((await api<{ snapshots: Snapshot[] }>(`/api/rooms/${roomId}/snapshots?limit=50`)).snapshots);
    } catch (error) {
      toast.error(error);
    }
  }, [roomId, toast]);

  useEffect(() => {
    if (active) void refresh();
  }, [active, refresh]);

  const take = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const taken = await api<{ deduplicated: boolean; message?: string }>(`/api/rooms/${roomId}/snapshots`, {
        method: "POST",
        body: JSON.stringify(label.trim() ? { label: label.trim() } : {}),
      });
      // Unchanged content answers the kept snapshot (its label stays); say so rather than look ignored.
      if (taken.deduplicated) toast.info(taken.message ?? "Nothing changed since the last snapshot.");
      setLabel("");
      await refresh();
    } catch (error) {
      toast.error(error);
    } finally {
      setBusy(false);
    }
  };

  const open = async (snapshot: Snapshot) => {
    try {
      const response = await fetch(`${API_BASE}/api/rooms/${roomId}/snapshots/${snapshot.id}?format=html`, { credentials: "include" });
      if (!response.ok) throw new Error(`Could not load the snapshot (${response.status}).`);
      setPreview({ snapshot, html: await response.text() });
    } catch (error) {
      toast.error(error);
    }
  };

  const restore = async (snapshot: Snapshot) => {
    setBusy(true);
    try {
      await api(`/api/rooms/${roomId}/snapshots/${snapshot.id}/restore`, { method: "POST" });
      toast.info("Snapshot restored.");
      setPreview(null);
      await refresh();
    } catch (error) {
      toast.error(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-label="History" className="flex h-full min-h-0 flex-col gap-3 p-3 text-sm">
      <ChangesSinceVisit roomId={roomId} since={lastVisit} active={active} />
      {canEdit && (
        <form onSubmit={take} className="flex gap-2">
          <label htmlFor="snapshot-label" className="sr-only">
            Snapshot label
          </label>
          <input
            id="snapshot-label"
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            placeholder="Label (optional)"
            maxLength={200}
            className="flex-1 rounded border border-slate-300 dark:border-slate-600 px-2 py-1"
          />
          <button type="submit" disabled={busy} className="rounded bg-indigo-600 px-3 py-1 text-white hover:bg-indigo-700 disabled:opacity-50">
            Take snapshot
          </button>
        </form>
      )}
      {preview && (
        <div className="rounded border border-indigo-200 bg-indigo-50 dark:bg-indigo-950 p-2">
          <div className="mb-2 flex items-center justify-between gap-2">
            <strong className="truncate">Preview: {preview.snapshot.label ?? new Date(preview.snapshot.createdAt).toLocaleString()}</strong>
            <button type="button" className="text-indigo-700 dark:text-indigo-300" onClick={() => setPreview(null)}>
              Close preview
            </button>
          </div>
          {/* The server renders the HTML; a sandboxed frame keeps it from running anything. */}
          <iframe title="Snapshot preview" sandbox="" srcDoc={preview.html} className="h-48 w-full rounded bg-white dark:bg-slate-900" />
          {canEdit && (
            <button
              type="button"
              disabled={busy}
              onClick={() => void restore(preview.snapshot)}
              className="mt-2 rounded bg-amber-600 px-3 py-1 text-white hover:bg-amber-700 disabled:opacity-50"
            >
              Restore this version
            </button>
          )}
        </div>
      )}
      {snapshots === null ? (
        <p className="text-slate-600 dark:text-slate-400">Loading history…</p>
      ) : snapshots.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">No snapshots yet; they are taken automatically after edits.</p>
      ) : (
        <ul aria-label="Snapshots" className="min-h-0 flex-1 space-y-1 overflow-y-auto">
          {snapshots.map((s) => (
            <li key={s.id} data-testid="snapshot-item">
              <button type="button" onClick={() => void open(s)} className="w-full rounded px-2 py-1 text-left hover:bg-slate-100 dark:hover:bg-slate-800">
                <span className="block font-medium">{s.label ?? (s.reason === "auto" ? "Automatic snapshot" : s.reason)}</span>
                <span className="block text-xs text-slate-500 dark:text-slate-400">
                  <time dateTime={s.createdAt}>{new Date(s.createdAt).toLocaleString()}</time>
                  {s.createdBy?.name ? ` · ${s.createdBy.name}` : ""}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
