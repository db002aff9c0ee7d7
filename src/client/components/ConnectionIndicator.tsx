import type { RoomSnapshot } from "../lib/room-connection.ts";

const LABELS = { connecting: "Connecting…", connected: "Connected", reconnecting: "Reconnecting…", offline: "Offline", closed: "Disconnected" } as const;
const DOTS = { connecting: "bg-amber-400", connected: "bg-emerald-500", reconnecting: "bg-amber-500", offline: "bg-slate-400", closed: "bg-red-500" } as const;

/** `compact` (a phone's header): the dot alone; its words stay for screen readers. */
export function ConnectionIndicator({ state, compact = false }: { state: RoomSnapshot; compact?: boolean }) {
  return (
    <div role="status" aria-label="Connection" className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-300">
      <span className={`h-2.5 w-2.5 rounded-full ${DOTS[state.link]}`} aria-hidden="true" />
      <span data-testid="connection-state" className={compact ? "sr-only" : undefined}>{LABELS[state.link]}</span>
      {state.unsaved && <span className="rounded bg-amber-100 dark:bg-amber-900 px-1.5 py-0.5 text-xs text-amber-800 dark:text-amber-200">Unsaved changes</span>}
      {state.access?.readOnly && <span className="rounded bg-slate-200 dark:bg-slate-700 px-1.5 py-0.5 text-xs text-slate-700 dark:text-slate-200">Read-only</span>}
    </div>
  );
}
