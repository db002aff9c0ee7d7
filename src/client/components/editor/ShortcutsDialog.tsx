// Every keyboard shortcut of the editor, from the same table as the toolbar.
import { useEffect, useRef } from "react";
import { FORMAT_ACTIONS, HISTORY_ACTIONS, MARKDOWN_SHORTCUTS, OTHER_SHORTCUTS, shortcutText } from "./toolbar-actions.ts";

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const keys = [...FORMAT_ACTIONS.flat(), ...HISTORY_ACTIONS].flatMap((a) => (a.shortcut ? [{ label: a.label, shortcut: a.shortcut }] : [])).concat(OTHER_SHORTCUTS);
  const table = (caption: string, rows: { label: string; shortcut: string }[], format = shortcutText) => (
    <table className="w-full text-sm">
      <caption className="mb-1 text-left font-semibold">{caption}</caption>
      <tbody>
        {rows.map((row) => (
          <tr key={row.label} className="border-t border-slate-200 dark:border-slate-700">
            <th scope="row" className="py-1 pr-4 text-left font-normal">
              {row.label}
            </th>
            <td className="py-1 text-right">
              <kbd className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-700">{format(row.shortcut)}</kbd>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <dialog
      ref={dialog}
      aria-labelledby="shortcuts-title"
      onClose={onClose}
      className="m-auto max-h-[85dvh] w-[min(32rem,calc(100vw-2rem))] overflow-y-auto rounded-xl bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:bg-slate-800 dark:text-slate-100"
    >
      <div className="mb-3 flex items-center">
        <h2 id="shortcuts-title" className="text-lg font-semibold">
          Keyboard shortcuts
        </h2>
        <button type="button" autoFocus onClick={onClose} className="ml-auto rounded px-3 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-700">
          Close
        </button>
      </div>
      <div className="flex flex-col gap-4">
        {table("Keys", keys)}
        {table("Typed at the start of a line", MARKDOWN_SHORTCUTS, (s) => s)}
      </div>
    </dialog>
  );
}
