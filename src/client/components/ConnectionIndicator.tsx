import type { RoomSnapshot } from "../lib/room-connection.ts";

const LABELS = { connecting: "Connecting…", connected: "Connected", reconnecting: "Reconnecting…", offline: "Offline", closed: "Disconnected" } as const;
const DOTS = { connecting: "bg-amber-400", connected: "bg-emerald-500", reconnecting: "bg-amber-500", offline: "bg-slate-400", closed: "bg-red-500" } as const;

export function ConnectionIndicator({ state }: { state: RoomSnapshot }) {
  return (
    <div role="status" aria-label="Connection" className="flex items-center gap-2 text-sm text-slate-600">
      <span className={`h-2.5 w-2.5 rounded-full ${DOTS[state.link]}`} aria-hidden="true" />
      <span data-testid="connection-state">{LABELS[state.link]}</span>
      {state.unsaved && <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-800">Unsaved changes</span>}
      {state.access?.readOnly && <span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-700">Read-only</span>}
    </div>
  );
}
