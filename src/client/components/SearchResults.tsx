// Search hits grouped by type (documents, messages, files), each with its snippet's matched
// words marked from the API's highlight offsets (no markup is parsed or trusted).
import type { SearchResult, SearchResultType } from "../../shared/api-types.ts";

export const GROUPS: { type: SearchResultType; label: string }[] = [
  { type: "document", label: "Documents" },
  { type: "message", label: "Messages" },
  { type: "comment", label: "Comments" },
  { type: "file", label: "Files" },
];

/** The results in the order they are shown (and walked with the arrow keys): by group, then rank. */
export function inDisplayOrder(results: SearchResult[]): SearchResult[] {
  return GROUPS.flatMap((group) => results.filter((r) => r.type === group.type));
}

export function Snippet({ result }: { result: SearchResult }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const [start, end] of result.highlights) {
    if (start < at) continue;
    parts.push(result.snippet.slice(at, start));
    parts.push(
      <mark key={start} className="rounded-sm bg-amber-200 px-0.5 text-inherit dark:bg-amber-600/60">
        {result.snippet.slice(start, end)}
      </mark>,
    );
    at = end;
  }
  parts.push(result.snippet.slice(at));
  return <span className="break-words">{parts}</span>;
}

type Props = { results: SearchResult[]; active: number; onOpen: (result: SearchResult) => void; onHover: (index: number) => void };

export function SearchResults({ results, active, onOpen, onHover }: Props) {
  const ordered = inDisplayOrder(results);
  return (
    <div id="search-results" role="listbox" aria-label="Search results" className="flex flex-col gap-3">
      {GROUPS.map((group) => {
        const hits = ordered.filter((r) => r.type === group.type);
        if (hits.length === 0) return null;
        return (
          <section key={group.type} aria-label={group.label}>
            <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">{group.label}</h3>
            <ul className="flex flex-col gap-1">
              {hits.map((result) => {
                const index = ordered.indexOf(result);
                return (
                  <li
                    key={`${result.type}:${result.roomId}:${result.id}`}
                    id={`search-result-${index}`}
                    role="option"
                    aria-selected={index === active}
                    data-testid="search-result"
                    data-type={result.type}
                    onMouseEnter={() => onHover(index)}
                    onMouseDown={(event) => event.preventDefault()}
                    onClick={() => onOpen(result)}
                    className={`cursor-pointer rounded px-2 py-1.5 text-sm ${index === active ? "bg-slate-100 dark:bg-slate-700" : ""}`}
                  >
                    <span className="block text-xs text-slate-500 dark:text-slate-400">{result.roomName}</span>
                    <Snippet result={result} />
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
