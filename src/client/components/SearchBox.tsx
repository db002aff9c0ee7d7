// The header's search: a button (and Ctrl/Cmd-K anywhere but inside the editor, where Ctrl-K
// makes a link) opens a dialog that searches as you type; arrows move, Enter opens, Escape closes.
// Opening a document hit goes to the room and scrolls to the block; a message hit opens the
// room's chat at the message (ChatPanel, via the url); a file hit opens the file.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, API_BASE, errorMessage } from "../api.ts";
import type { SearchPage, SearchResult } from "../../shared/api-types.ts";
import { navigate } from "../lib/route.ts";
import { inDisplayOrder, SearchResults } from "./SearchResults.tsx";

/** Wait this long after the last keystroke before asking the server. */
const TYPING_PAUSE_MS = 200;

/**
 * After navigating, waits for the editor to render block `position`, scrolls to it and outlines
 * it with an overlay (the editor's own DOM is ProseMirror's: a mark set on it would be redrawn away).
 */
export function revealBlock(position: number, deadline = Date.now() + 20_000): void {
  const block = document.querySelector<HTMLElement>(`#document-editor > :nth-child(${position + 1})`);
  if (!block) {
    if (Date.now() < deadline) setTimeout(() => revealBlock(position, deadline), 100);
    return;
  }
  block.scrollIntoView({ block: "center" });
  const rect = block.getBoundingClientRect();
  const mark = document.createElement("div");
  mark.dataset.testid = "search-landing";
  mark.dataset.text = (block.textContent ?? "").slice(0, 200);
  mark.setAttribute("aria-hidden", "true");
  Object.assign(mark.style, {
    position: "fixed",
    left: `${rect.left - 4}px`,
    top: `${rect.top - 2}px`,
    width: `${rect.width + 8}px`,
    height: `${rect.height + 4}px`,
    outline: "2px solid #f59e0b",
    borderRadius: "4px",
    pointerEvents: "none",
    zIndex: "40",
  });
  document.body.append(mark);
  // It stays until the reader does something (it is fixed on screen, so it would drift if they scrolled).
  const events = ["pointerdown", "keydown", "wheel", "resize", "hashchange"] as const;
  const remove = () => {
    mark.remove();
    for (const event of events) window.removeEventListener(event, remove, true);
  };
  for (const event of events) window.addEventListener(event, remove, true);
}

function open(result: SearchResult): void {
  if (result.type === "file") {
    window.open(`${API_BASE}${result.url}`, "_blank", "noopener");
    return;
  }
  if (result.type === "message") {
    // The hit's url carries the message (?message=&seq=): the room's chat pages back to it.
    navigate(result.url.replace(/^\/#/, ""));
    return;
  }
  navigate(`/rooms/${result.roomId}`);
  if (result.type === "document") revealBlock(result.position ?? 0);
}

export function SearchBox() {
  const [isOpen, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // The editor handles Ctrl-K itself (a link) and marks the event handled.
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k" && !event.defaultPrevented) {
        event.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-keyshortcuts="Control+K Meta+K"
        className="flex min-h-11 items-center gap-2 rounded bg-slate-800 px-3 py-1 text-sm text-slate-300 hover:bg-slate-700 hover:text-white md:min-h-0"
      >
        Search<kbd className="hidden font-mono text-xs text-slate-400 md:inline">Ctrl K</kbd>
      </button>
      {isOpen && <SearchDialog onClose={() => setOpen(false)} />}
    </>
  );
}

function SearchDialog({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [q, setQ] = useState("");
  const [results, setResults] = useState<SearchResult[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [searched, setSearched] = useState("");

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  useEffect(() => {
    const query = q.trim();
    if (!query) {
      setResults([]);
      setError(null);
      setSearched("");
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api<SearchPage>(`/api/search?${new URLSearchParams({ q: query, limit: "20" })}`)
        .then((page) => {
          if (!current) return;
          setResults(page.results);
          setError(null);
          setActive(0);
          setSearched(query);
        })
        .catch((e) => current && (setError(errorMessage(e)), setResults([])));
    }, TYPING_PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q]);

  const choose = useCallback(
    (result: SearchResult) => {
      onClose();
      open(result);
    },
    [onClose],
  );

  const onKeyDown = (event: React.KeyboardEvent) => {
    const ordered = inDisplayOrder(results);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (ordered.length === 0) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = (active + step + ordered.length) % ordered.length;
      setActive(next);
      document.getElementById(`search-result-${next}`)?.scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter" && ordered[active]) {
      event.preventDefault();
      choose(ordered[active]);
    }
  };

  return (
    <dialog
      ref={dialog}
      aria-label="Search"
      onClose={onClose}
      onClick={(event) => event.target === dialog.current && onClose()}
      className="mx-auto mt-[10dvh] max-h-[75dvh] w-[min(40rem,calc(100vw-2rem))] overflow-y-auto rounded-xl bg-white p-4 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:bg-slate-800 dark:text-slate-100"
    >
      <input
        autoFocus
        type="search"
        role="combobox"
        aria-expanded={results.length > 0}
        aria-controls="search-results"
        aria-activedescendant={results.length ? `search-result-${active}` : undefined}
        aria-label="Search documents, messages and files"
        placeholder='Search: words, prefix*, "phrases", -exclude'
        value={q}
        onChange={(event) => setQ(event.target.value)}
        onKeyDown={onKeyDown}
        maxLength={256}
        className="mb-3 w-full rounded border border-slate-300 bg-white px-3 py-2 text-base dark:border-slate-600 dark:bg-slate-900"
      />
      {error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      {!error && searched && results.length === 0 && (
        <p data-testid="search-empty" className="text-sm text-slate-500 dark:text-slate-400">
          Nothing found for “{searched}”.
        </p>
      )}
      <SearchResults results={results} active={active} onOpen={choose} onHover={setActive} />
    </dialog>
  );
}
