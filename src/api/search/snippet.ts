// FTS5's snippet() marks each matched token with two control characters (which indexed text
// never contains: blocks.ts removes them); here they become plain text plus [start, end)
// ranges, so the client highlights without parsing or trusting any markup.
export const HIGHLIGHT_OPEN = "\u0002";
export const HIGHLIGHT_CLOSE = "\u0003";

export type Highlighted = { snippet: string; highlights: [number, number][] };

export function readSnippet(marked: string): Highlighted {
  let snippet = "";
  const highlights: [number, number][] = [];
  let start = -1;
  for (const char of marked) {
    if (char === HIGHLIGHT_OPEN) start = snippet.length;
    else if (char === HIGHLIGHT_CLOSE) {
      if (start >= 0 && snippet.length > start) highlights.push([start, snippet.length]);
      start = -1;
    } else snippet += char;
  }
  return { snippet, highlights };
}
