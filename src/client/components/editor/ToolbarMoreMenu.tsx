// A phone's toolbar shows the most used buttons; the rest sit behind "More", a WAI-ARIA menu
// button: Enter, Space or ArrowDown opens it on its first item, arrow keys, Home and End move,
// Escape closes it back onto the button, Tab or a tap elsewhere closes it. Toggles are
// menuitemcheckbox with aria-checked, as the toolbar's buttons carry aria-pressed.
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode, type Ref } from "react";

export type MenuEntry = { id: string; label: string; glyph: ReactNode; pressed?: boolean; disabled: boolean; activate: () => void };

export function ToolbarMoreMenu(props: {
  entries: MenuEntry[];
  buttonRef: Ref<HTMLButtonElement>;
  tabIndex: number;
  onFocus: () => void;
}) {
  const { entries, buttonRef, tabIndex, onFocus } = props;
  const [open, setOpen] = useState(false);
  const [place, setPlace] = useState({ top: 0, right: 0 });
  const button = useRef<HTMLButtonElement | null>(null);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const enabled = entries.flatMap((entry, i) => (entry.disabled ? [] : [i]));
  /** Which item takes focus once the menu is drawn. */
  const focusOnOpen = useRef<"first" | "last">("first");

  const focusItem = (i: number | undefined) => i !== undefined && items.current[i]?.focus();
  const show = (focus: "first" | "last") => {
    // Fixed to the screen: the toolbar scrolls sideways and would clip a menu inside it.
    const box = button.current!.getBoundingClientRect();
    setPlace({ top: box.bottom + 4, right: Math.max(4, window.innerWidth - box.right) });
    focusOnOpen.current = focus;
    setOpen(true);
  };
  // Before the browser paints the open menu, so a key pressed next already lands in it.
  useLayoutEffect(() => {
    if (open) focusItem(focusOnOpen.current === "first" ? enabled[0] : enabled.at(-1));
    // Only when it opens: later renders (the editor's state changing) must not move focus.
  }, [open]);
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  // A tap or click outside closes it.
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      const target = event.target as globalThis.Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  const onButtonKey = (event: KeyboardEvent) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    event.preventDefault();
    event.stopPropagation();
    show(event.key === "ArrowDown" ? "first" : "last");
  };

  const onMenuKey = (event: KeyboardEvent) => {
    // The toolbar around it moves between buttons on arrow keys: not while the menu is open.
    event.stopPropagation();
    const current = enabled.indexOf(items.current.findIndex((item) => item === document.activeElement));
    const moves: Record<string, () => number | undefined> = {
      ArrowDown: () => enabled[(current + 1) % enabled.length],
      ArrowUp: () => enabled[(current - 1 + enabled.length) % enabled.length],
      Home: () => enabled[0],
      End: () => enabled.at(-1),
    };
    if (event.key in moves) {
      event.preventDefault();
      focusItem(moves[event.key]!());
    } else if (event.key === "Escape") {
      event.preventDefault();
      close(true);
    } else if (event.key === "Tab") {
      close(false);
    }
  };

  return (
    <>
      <button
        ref={(el) => {
          button.current = el;
          if (typeof buttonRef === "function") buttonRef(el);
          else if (buttonRef) buttonRef.current = el;
        }}
        type="button"
        tabIndex={tabIndex}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onMouseDown={(event) => event.preventDefault()}
        onFocus={onFocus}
        onKeyDown={onButtonKey}
        onClick={() => (open ? close(false) : show("first"))}
        className="h-8 min-w-8 shrink-0 rounded px-2 text-sm font-semibold text-slate-700 hover:bg-slate-100 aria-expanded:bg-indigo-100 dark:text-slate-200 dark:hover:bg-slate-800 dark:aria-expanded:bg-indigo-900"
      >
        More
      </button>
      {open && (
        <div
          ref={menu}
          id={menuId}
          role="menu"
          aria-label="More formatting"
          onKeyDown={onMenuKey}
          style={{ top: place.top, right: place.right }}
          className="fixed z-30 flex max-h-[60vh] w-56 flex-col overflow-y-auto rounded-lg border border-slate-200 bg-white py-1 shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          {entries.map((entry, i) => (
            <button
              key={entry.id}
              ref={(el) => {
                items.current[i] = el;
              }}
              type="button"
              role={entry.pressed === undefined ? "menuitem" : "menuitemcheckbox"}
              aria-checked={entry.pressed}
              aria-disabled={entry.disabled || undefined}
              tabIndex={-1}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => {
                if (entry.disabled) return;
                close(false);
                entry.activate();
              }}
              className={`flex items-center gap-3 px-3 py-2 text-left text-sm aria-disabled:opacity-40 ${
                entry.pressed ? "bg-indigo-50 font-semibold text-indigo-800 dark:bg-indigo-950 dark:text-indigo-100" : "text-slate-800 hover:bg-slate-100 dark:text-slate-100 dark:hover:bg-slate-800"
              }`}
            >
              <span aria-hidden="true" className="w-6 text-center font-semibold">
                {entry.glyph}
              </span>
              <span>{entry.label}</span>
            </button>
          ))}
        </div>
      )}
    </>
  );
}
