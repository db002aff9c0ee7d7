// The room's name in its header; owners (and admins) can rename it in place.
import { useState, type FormEvent } from "react";
import { api } from "../api.ts";
import { useToast } from "../hooks/useToast.ts";
import type { Room } from "../../shared/api-types.ts";

const MAX_NAME = 100; // the API's limit (PATCH /api/rooms/:id)

export function RoomName({ room, canManage, onRenamed }: { room: Room | null; canManage: boolean; onRenamed: (room: Room) => void }) {
  const toast = useToast();
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (draft === null || !room) {
    return (
      <>
        <h1 className="min-w-0 truncate text-lg font-semibold" data-testid="room-name">
          {room?.name ?? "…"}
        </h1>
        {room && canManage && (
          <button
            type="button"
            onClick={() => setDraft(room.name)}
            className="shrink-0 rounded px-2 py-1 text-sm text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
          >
            Rename<span className="sr-only"> room</span>
          </button>
        )}
      </>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const name = draft.trim();
    if (!name || name === room.name) return setDraft(null);
    setBusy(true);
    try {
      const { room: renamed } = await api<{ room: Room }>(`/api/rooms/${room.id}`, { method: "PATCH", body: JSON.stringify({ name }) });
      onRenamed(renamed);
      setDraft(null);
    } catch (error) {
      toast.error(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} onKeyDown={(e) => e.key === "Escape" && setDraft(null)} className="flex min-w-0 flex-1 items-center gap-2">
      <label htmlFor="room-name-input" className="sr-only">
        Room name
      </label>
      <input
        id="room-name-input"
        autoFocus
        value={draft}
        maxLength={MAX_NAME}
        required
        onChange={(e) => setDraft(e.target.value)}
        className="min-w-0 flex-1 rounded border border-slate-300 bg-white px-2 py-1 text-lg font-semibold dark:border-slate-600 dark:bg-slate-900"
      />
      <button type="submit" disabled={busy} className="rounded bg-indigo-600 px-3 py-1 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
        Save
      </button>
      <button type="button" onClick={() => setDraft(null)} className="rounded px-2 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
        Cancel
      </button>
    </form>
  );
}
