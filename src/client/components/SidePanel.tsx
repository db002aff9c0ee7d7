// The room's side panels (chat, comments, files, history, members for owners). Every panel stays mounted
// (chat keeps receiving while another is shown); only the selected one is visible.
// On a wide screen they sit beside the document as tabs. On a phone the document takes the whole
// width; a bar at the bottom opens a panel as a full-screen sheet with a "Back" button (and Escape).
import { useEffect, useRef, type ReactNode } from "react";

export type PanelId = "chat" | "comments" | "files" | "history" | "members";
const TITLES: Record<PanelId, string> = { chat: "Chat", comments: "Comments", files: "Files", history: "History", members: "Members" };

export function SidePanel(props: {
  current: PanelId;
  onSelect: (panel: PanelId) => void;
  showMembers: boolean;
  /** Phone layout: panels are a sheet over the document, open or not. */
  phone: boolean;
  sheetOpen: boolean;
  onSheetOpen: (open: boolean) => void;
  children: Record<PanelId, ReactNode>;
}) {
  const ids = (Object.keys(TITLES) as PanelId[]).filter((id) => id !== "members" || props.showMembers);
  const back = useRef<HTMLButtonElement>(null);
  const sheet = props.phone && props.sheetOpen;

  // Focus moves into the sheet when it opens, so keyboard and screen-reader users land in it.
  useEffect(() => {
    if (sheet) back.current?.focus();
  }, [sheet]);

  const tabs = (
    <div role="tablist" aria-label="Room panels" className="flex border-b border-slate-200 dark:border-slate-700">
      {ids.map((id) => (
        <button
          key={id}
          type="button"
          role="tab"
          id={`tab-${id}`}
          aria-selected={props.current === id}
          aria-controls={`panel-${id}`}
          onClick={() => props.onSelect(id)}
          className={`flex-1 px-3 py-2 text-sm ${props.current === id ? "border-b-2 border-indigo-600 font-semibold text-indigo-700 dark:text-indigo-300" : "text-slate-600 hover:bg-slate-50 dark:text-slate-300 dark:hover:bg-slate-800"}`}
        >
          {TITLES[id]}
        </button>
      ))}
    </div>
  );

  return (
    <>
      {props.phone && (
        <nav aria-label="Room panels" className="flex border-t border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900" hidden={sheet}>
          {ids.map((id) => (
            <button
              key={id}
              type="button"
              aria-haspopup="dialog"
              onClick={() => {
                props.onSelect(id);
                props.onSheetOpen(true);
              }}
              className="min-h-11 flex-1 px-2 text-sm font-medium text-slate-700 dark:text-slate-200"
            >
              {TITLES[id]}
            </button>
          ))}
        </nav>
      )}
      <aside
        {...(sheet && { role: "dialog", "aria-modal": true, "aria-label": `${TITLES[props.current]} panel` })}
        onKeyDown={(event) => {
          if (sheet && event.key === "Escape") props.onSheetOpen(false);
        }}
        hidden={props.phone && !props.sheetOpen}
        className={
          props.phone
            ? "fixed inset-0 z-40 flex flex-col bg-white dark:bg-slate-900"
            : "flex w-96 shrink-0 flex-col border-l border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900"
        }
      >
        {sheet && (
          <div className="flex items-center gap-2 border-b border-slate-200 px-2 dark:border-slate-700">
            <button ref={back} type="button" onClick={() => props.onSheetOpen(false)} className="min-h-11 rounded px-3 text-sm font-medium text-indigo-700 dark:text-indigo-300">
              ← Back to document
            </button>
          </div>
        )}
        {tabs}
        {ids.map((id) => (
          <div key={id} role="tabpanel" id={`panel-${id}`} aria-labelledby={`tab-${id}`} hidden={props.current !== id} className="min-h-0 flex-1">
            {props.children[id]}
          </div>
        ))}
      </aside>
    </>
  );
}
