// For owners: who may see the room, and in a public room whether signed-in people without a role
// may edit or comment (src/core/access.ts has the rules these switches feed).
import { useState } from "react";
import { api } from "../api.ts";
import { useToast } from "../hooks/useToast.ts";
import type { Room } from "../../shared/api-types.ts";

type Settings = Pick<Room, "visibility" | "openEditing" | "openCommenting">;

export function RoomAccessSettings({ room, onChanged }: { room: Room; onChanged: (room: Room) => void }) {
  const toast = useToast();
  const [saving, setSaving] = useState(false);
  const save = async (patch: Partial<Settings>) => {
    setSaving(true);
    try {
      onChanged((await api<{ room: Room }>(`/api/rooms/${room.id}`, { method: "PATCH", body: JSON.stringify(patch) })).room);
    } catch (error) {
      toast.error(error);
    } finally {
      setSaving(false);
    }
  };
  const isPublic = room.visibility === "public";
  return (
    <fieldset aria-label="Who may join in" disabled={saving} className="space-y-2 border-b border-slate-200 p-3 text-sm dark:border-slate-700">
      <legend className="sr-only">Who may join in</legend>
      <label className="flex items-center gap-2">
        <span className="font-semibold">Visibility</span>
        <select value={room.visibility} onChange={(e) => save({ visibility: e.target.value as Room["visibility"] })} className="min-h-9 rounded border border-slate-300 px-2 dark:border-slate-600 dark:bg-slate-800">
          <option value="private">Private: members only</option>
          <option value="public">Public: anyone signed in may read</option>
        </select>
      </label>
      {isPublic && (
        <>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={room.openCommenting} onChange={(e) => save({ openCommenting: e.target.checked })} className="h-5 w-5" />
            Anyone signed in may comment
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={room.openEditing} onChange={(e) => save({ openEditing: e.target.checked })} className="h-5 w-5" />
            Anyone signed in may edit
          </label>
        </>
      )}
    </fieldset>
  );
}
