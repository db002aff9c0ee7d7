// Says why the room stopped taking this browser's edits, and that edits it never stored were
// not saved: they stay on screen to be copied, never silently dropped.
import type { RefusedEdits } from "../lib/room-connection.ts";

const WHY: Record<RefusedEdits["reason"], string> = {
  "read-only": "You can no longer edit this room.",
  "no-access": "You no longer have access to this room.",
  deleted: "This room was deleted.",
};

export function RefusedEditsBanner({ refused, onDiscard }: { refused: RefusedEdits; onDiscard: () => void }) {
  return (
    <div role="alert" data-testid="refused-edits" className="border-b border-red-200 bg-red-50 dark:bg-red-950 px-4 py-2 text-sm text-red-900">
      <strong>{WHY[refused.reason]}</strong>{" "}
      {refused.unsent && (
        <span data-testid="edits-not-saved">
          Your recent edits were <strong>not saved</strong>.{" "}
          {refused.reason === "read-only"
            ? "They are still shown below so you can copy them."
            : "They are shown below only until you leave this page: copy anything you want to keep."}
        </span>
      )}
      {refused.unsent && refused.reason === "read-only" && (
        <button type="button" onClick={onDiscard} className="ml-2 rounded border border-red-300 bg-white dark:bg-slate-900 px-2 py-0.5 text-xs hover:bg-red-100">
          Discard unsaved edits
        </button>
      )}
    </div>
  );
}
