import { useState, type FormEvent } from "react";
import { api } from "../api.ts";
import { useToast } from "../hooks/useToast.ts";
import { navigate } from "../lib/route.ts";
import type { Room } from "../../shared/api-types.ts";

export function CreateRoomForm() {
  const toast = useToast();
  const [name, setName] = useState("");
  const [visibility, setVisibility] = useState<Room["visibility"]>("private");
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const { room } = await api<{ room: Room }>("/api/rooms", { method: "POST", body: JSON.stringify({ name: name.trim(), visibility }) });
      navigate(`/rooms/${room.id}`);
    } catch (error) {
      toast.error(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-label="Create a room" className="flex flex-wrap items-end gap-3 rounded-xl bg-white dark:bg-slate-900 p-4 shadow-sm">
      <label className="flex min-w-48 flex-1 flex-col gap-1 text-sm">
        Room name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} className="rounded border border-slate-300 dark:border-slate-600 px-3 py-2" />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Visibility
        <select value={visibility} onChange={(e) => setVisibility(e.target.value as Room["visibility"])} className="rounded border border-slate-300 dark:border-slate-600 px-3 py-2">
          <option value="private">Private (members only)</option>
          <option value="public">Public (every signed-in user)</option>
        </select>
      </label>
      <button type="submit" disabled={busy} className="rounded bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
        Create room
      </button>
    </form>
  );
}
