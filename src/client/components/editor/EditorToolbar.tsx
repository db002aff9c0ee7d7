// The formatting toolbar above the document (WAI-ARIA toolbar: one Tab stop, arrow keys move
// between buttons). Toggles carry aria-pressed; undo and redo are disabled when there is nothing
// of yours to undo or redo.
import type { Editor } from "@tiptap/core";
import { useEditorState } from "@tiptap/react";
import { useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { useIsPhone } from "../../hooks/useMediaQuery.ts";
import { FORMAT_ACTIONS, HISTORY_ACTIONS, shortcutText, type ToolbarAction } from "./toolbar-actions.ts";
import { ToolbarMoreMenu } from "./ToolbarMoreMenu.tsx";

type Extra = { id: string; label: string; glyph: ReactNode; shortcut?: string; pressed?: boolean; disabled?: boolean; onClick: () => void };

/** What a phone's toolbar shows (six 44 px buttons and More fit 390 px); the rest is under More. */
const PHONE_BUTTONS = new Set(["bold", "italic", "bullets", "link", "undo", "redo"]);

export function EditorToolbar(props: { editor: Editor; onLink: () => void; onImage: () => void; onFile: () => void; onAltText: () => void; onHelp: () => void; onComment?: () => void }) {
  const { editor, onLink, onImage, onFile, onAltText, onHelp, onComment } = props;
  // Re-rendered on every transaction, but only the booleans are compared.
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => {
      const entries: Record<string, boolean> = { link: e.isActive("link"), image: e.isActive("image") };
      for (const action of [...FORMAT_ACTIONS.flat(), ...HISTORY_ACTIONS]) {
        if (action.isActive) entries[action.id] = action.isActive(e);
        if (action.canRun) entries[`can-${action.id}`] = action.canRun(e);
      }
      return entries;
    },
  });
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const [focusIndex, setFocusIndex] = useState(0);

  const groups: (ToolbarAction | Extra)[][] = [
    ...FORMAT_ACTIONS,
    [
      { id: "link", label: "Link", glyph: <LinkIcon />, shortcut: "Mod+K", pressed: state.link, onClick: onLink },
      { id: "image", label: "Image", glyph: <ImageIcon />, onClick: onImage },
      { id: "alt", label: "Image description", glyph: "Alt", disabled: !state.image, onClick: onAltText },
      { id: "file", label: "Attach file", glyph: <FileIcon />, onClick: onFile },
      ...(onComment ? [{ id: "comment", label: "Comment", glyph: <CommentIcon />, shortcut: "Mod+Alt+M", onClick: onComment }] : []),
    ],
    HISTORY_ACTIONS,
    [{ id: "help", label: "Keyboard shortcuts", glyph: "?", shortcut: "?", onClick: onHelp }],
  ];
  // A phone shows the most used buttons and puts the rest behind "More" (ToolbarMoreMenu.tsx).
  const phone = useIsPhone();
  const shown = phone ? groups.map((group) => group.filter((action) => PHONE_BUTTONS.has(action.id))).filter((group) => group.length > 0) : groups;
  const overflow = phone ? groups.flat().filter((action) => !PHONE_BUTTONS.has(action.id)) : [];
  const flat = shown.flat();
  // The More button is the last stop for the arrow keys.
  const stops = flat.length + (overflow.length > 0 ? 1 : 0);
  const pressedOf = (action: ToolbarAction | Extra) => ("run" in action ? (action.isActive ? state[action.id] : undefined) : action.pressed);
  const disabledOf = (action: ToolbarAction | Extra) => ("run" in action ? (action.canRun ? !state[`can-${action.id}`] : false) : (action.disabled ?? false));
  const activate = (action: ToolbarAction | Extra) => ("run" in action ? action.run(editor) : action.onClick());

  const onKeyDown = (event: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1 };
    let next: number | undefined;
    if (event.key in moves) next = (focusIndex + moves[event.key]! + stops) % stops;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = stops - 1;
    if (next === undefined) return;
    event.preventDefault();
    // Disabled buttons cannot take focus: step over them the way the key was going.
    const step = event.key === "ArrowLeft" || event.key === "End" ? -1 : 1;
    for (let tries = 0; buttons.current[next]?.disabled && tries < stops; tries++) next = (next + step + stops) % stops;
    setFocusIndex(next);
    buttons.current[next]?.focus();
  };

  let index = 0;
  return (
    <div
      role="toolbar"
      aria-label="Formatting"
      aria-controls="document-editor"
      onKeyDown={onKeyDown}
      className="sticky top-0 z-10 flex items-center gap-1 overflow-x-auto border-b border-slate-200 bg-white/95 px-2 py-1 md:flex-wrap md:px-6 dark:border-slate-700 dark:bg-slate-900/95"
    >
      {shown.map((group, g) => (
        <div key={g} className="flex shrink-0 items-center gap-0.5 border-r border-slate-200 pr-1 last:border-r-0 dark:border-slate-700">
          {group.map((action) => {
            const i = index++;
            const pressed = pressedOf(action);
            const disabled = disabledOf(action);
            return (
              <button
                key={action.id}
                ref={(el) => {
                  buttons.current[i] = el;
                }}
                type="button"
                tabIndex={i === focusIndex ? 0 : -1}
                aria-pressed={pressed}
                aria-keyshortcuts={action.shortcut?.replace("Mod", "Control")}
                title={action.shortcut ? `${action.label} (${shortcutText(action.shortcut)})` : action.label}
                disabled={disabled}
                // Keep the editor's selection: a mouse press on a button would otherwise blur it.
                onMouseDown={(event) => event.preventDefault()}
                onFocus={() => setFocusIndex(i)}
                onClick={() => activate(action)}
                className={`h-8 min-w-8 rounded px-1.5 text-sm font-semibold disabled:opacity-40 ${
                  pressed ? "bg-indigo-100 text-indigo-800 dark:bg-indigo-900 dark:text-indigo-100" : "text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
                } ${action.id === "italic" ? "italic" : ""} ${action.id === "strike" ? "line-through" : ""}`}
              >
                {/* The name is the words; the glyph is for the eye (an aria-label would not match it). */}
                <span aria-hidden="true">{action.glyph}</span>
                <span className="sr-only">{action.label}</span>
              </button>
            );
          })}
        </div>
      ))}
      {overflow.length > 0 && (
        <ToolbarMoreMenu
          entries={overflow.map((action) => ({ id: action.id, label: action.label, glyph: action.glyph, pressed: pressedOf(action), disabled: disabledOf(action), activate: () => activate(action) }))}
          buttonRef={(el) => {
            buttons.current[flat.length] = el;
          }}
          tabIndex={focusIndex === flat.length ? 0 : -1}
          onFocus={() => setFocusIndex(flat.length)}
        />
      )}
    </div>
  );
}

// Drawn, not an emoji: emoji fonts are missing on many Linux desktops.
function LinkIcon() {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" className="inline">
      <path d="M10 14a4 4 0 0 0 5.66 0l3-3a4 4 0 0 0-5.66-5.66l-1 1" />
      <path d="M14 10a4 4 0 0 0-5.66 0l-3 3a4 4 0 0 0 5.66 5.66l1-1" />
    </svg>
  );
}

function ImageIcon() {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" className="inline">
      <rect x="3" y="4" width="18" height="16" rx="2" />
      <circle cx="9" cy="10" r="2" />
      <path d="M21 17l-5-5-9 8" />
    </svg>
  );
}

function FileIcon() {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" className="inline">
      <path d="M21 11.5l-8.5 8.5a5 5 0 0 1-7-7l9-9a3.5 3.5 0 0 1 5 5l-9 9a2 2 0 0 1-3-3l8-8" />
    </svg>
  );
}

function CommentIcon() {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" className="inline">
      <path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" />
    </svg>
  );
}
