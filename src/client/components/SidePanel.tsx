// Tabs for the room's side panels. Every panel stays mounted (chat keeps receiving while
// another tab is shown); only the selected one is visible.
import type { ReactNode } from "react";

export type PanelId = "chat" | "files" | "history" | "members";
const TITLES: Record<PanelId, string> = { chat: "Chat", files: "Files", history: "History", members: "Members" };

export function SidePanel(props: {
  current: PanelId;
  onSelect: (panel: PanelId) => void;
  showMembers: boolean;
  children: Record<PanelId, ReactNode>;
}) {
  const ids = (Object.keys(TITLES) as PanelId[]).filter((id) => id !== "members" || props.showMembers);
  return (
    <aside className="flex w-96 shrink-0 flex-col border-l border-slate-200 bg-white">
      <div role="tablist" aria-label="Room panels" className="flex border-b border-slate-200">
        {ids.map((id) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={props.current === id}
            aria-controls={`panel-${id}`}
            onClick={() => props.onSelect(id)}
            className={`flex-1 px-3 py-2 text-sm ${props.current === id ? "border-b-2 border-indigo-600 font-semibold text-indigo-700" : "text-slate-600 hover:bg-slate-50"}`}
          >
            {TITLES[id]}
          </button>
        ))}
      </div>
      {ids.map((id) => (
        <div key={id} role="tabpanel" id={`panel-${id}`} aria-labelledby={`tab-${id}`} hidden={props.current !== id} className="min-h-0 flex-1">
          {props.children[id]}
        </div>
      ))}
    </aside>
  );
}
