// "Mute this room": its notifications stay in the inbox but are never emailed
// (PUT/DELETE /api/rooms/:id/mute). The server's answer for the room (GET /api/rooms/:id `muted`)
// is the starting state.
import { useEffect, useState } from "react";
import { api } from "../../api.ts";
import { useToast } from "../../hooks/useToast.ts";

export function RoomMuteToggle({ roomId, initiallyMuted }: { roomId: string; initiallyMuted: boolean }) {
  const toast = useToast();
  const [muted, setMuted] = useState(initiallyMuted);
  const [busy, setBusy] = useState(false);
  useEffect(() => setMuted(initiallyMuted), [initiallyMuted]);
  const toggle = async () => {
    setBusy(true);
    try {
      await api(`/api/rooms/${roomId}/mute`, { method: muted ? "DELETE" : "PUT" });
      toast.info(muted ? "Room unmuted: its notifications are emailed again." : "Room muted: its notifications are no longer emailed.");
      setMuted(!muted);
    } catch (error) {
      toast.error(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      aria-pressed={muted}
      aria-label="Mute this room"
      title={muted ? "Muted: no emails from this room (click to unmute)" : "Mute this room: no emails from it"}
      disabled={busy}
      onClick={() => void toggle()}
      className={`inline-flex min-h-11 min-w-11 items-center justify-center rounded md:min-h-8 md:min-w-8 ${muted ? "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100" : "text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"}`}
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        {muted && <path d="M3 3l18 18" />}
      </svg>
    </button>
  );
}
