// Where a comment thread sits in the document: two Yjs relative positions, so the range
// follows its text through concurrent edits, undo (Yjs follows redone items) and merges.
//   start sticks to the range's first character (assoc 0) and end to its last (assoc -1):
//   typing right before or right after the range stays outside it, as in Google Docs.
// The text between them is read from a flat view of the document (blocks separated by "\n",
// inline nodes such as images as U+FFFC), which is also where a script's quote is searched.
import * as Y from "yjs";
import { FRAGMENT_NAME } from "../../shared/editor/schema.ts";
import { MAX_QUOTE_CHARS } from "../../shared/comments.ts";

/** An inline node that is not text (an image, a hard break): one character of the flat view. */
const INLINE_NODE = "\uFFFC";
/** Shorter quotes are too common to find again by their text alone. */
const HEAL_MIN_CHARS = 8;

type TextRun = { type: Y.XmlText; start: number; length: number };

/** The document as one string, with where each Yjs type's content starts in it. */
class FlatDocument {
  text = "";
  readonly runs: TextRun[] = [];
  readonly #runOf = new Map<Y.XmlText, TextRun>();
  /** For elements: the flat offset of each live child, then the end of the element's content. */
  readonly childStarts = new Map<unknown, number[]>();

  constructor(fragment: Y.XmlFragment) {
    this.#walk(fragment);
  }

  #walk(parent: Y.XmlFragment | Y.XmlElement): void {
    const starts: number[] = [];
    for (const child of parent.toArray()) {
      starts.push(this.text.length);
      if (child instanceof Y.XmlText) {
        const text = child
          .toDelta()
          .map((op: { insert: unknown }) => (typeof op.insert === "string" ? op.insert : INLINE_NODE))
          .join("");
        const run = { type: child, start: this.text.length, length: text.length };
        this.runs.push(run);
        this.#runOf.set(child, run);
        this.text += text;
      } else if (child instanceof Y.XmlElement && child.length === 0) {
        this.text += child.nodeName === "hardBreak" ? "\n" : INLINE_NODE;
      } else if (child instanceof Y.XmlElement) {
        this.#walk(child);
        this.text += "\n";
      }
    }
    starts.push(this.text.length);
    this.childStarts.set(parent, starts);
  }

  /** The flat offset of a Yjs absolute position, or null when its type is not in the document (deleted). */
  offsetOf(position: Y.AbsolutePosition): number | null {
    const run = position.type instanceof Y.XmlText ? this.#runOf.get(position.type) : undefined;
    if (run) return run.start + Math.min(position.index, run.length);
    const starts = this.childStarts.get(position.type);
    if (!starts) return null;
    return starts[Math.min(position.index, starts.length - 1)]!;
  }

  /** The text run holding the character at `offset` (as a start) or ending at it (as an end). */
  runAt(offset: number, side: "start" | "end"): TextRun | undefined {
    return side === "start"
      ? this.runs.find((r) => offset >= r.start && offset < r.start + r.length)
      : this.runs.find((r) => offset > r.start && offset <= r.start + r.length);
  }
}

export type Anchor = { start: Uint8Array; end: Uint8Array };
export type ResolvedAnchor = { quote: string; orphaned: boolean; position: number };

function fragmentOf(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(FRAGMENT_NAME);
}

function anchorBetween(flat: FlatDocument, from: number, to: number): Anchor | null {
  const first = flat.runAt(from, "start");
  const last = flat.runAt(to, "end");
  if (!first || !last) return null;
  return {
    start: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(first.type, from - first.start, 0)),
    end: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(last.type, to - last.start, -1)),
  };
}

/**
 * Anchors on the `occurrence`-th (1-based) appearance of `quote` whose ends both fall in text;
 * null when there is none.
 */
export function anchorAtQuote(doc: Y.Doc, quote: string, occurrence = 1): Anchor | null {
  if (quote.length === 0) return null;
  const flat = new FlatDocument(fragmentOf(doc));
  let seen = 0;
  for (let at = flat.text.indexOf(quote); at !== -1; at = flat.text.indexOf(quote, at + 1)) {
    const anchor = anchorBetween(flat, at, at + quote.length);
    if (anchor && ++seen === occurrence) return anchor;
  }
  return null;
}

function absolute(doc: Y.Doc, encoded: Uint8Array): Y.AbsolutePosition | null {
  try {
    return Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(encoded), doc);
  } catch {
    return null; // not a relative position at all
  }
}

/** Resolves many anchors with one walk of the document. */
export class AnchorResolver {
  readonly #flat: FlatDocument;

  constructor(private readonly doc: Y.Doc) {
    this.#flat = new FlatDocument(fragmentOf(doc));
  }

  /** The text under the anchor now; orphaned when it was deleted (or the positions are not in this document). */
  resolve(anchor: Anchor): ResolvedAnchor {
    const start = absolute(this.doc, anchor.start);
    const end = absolute(this.doc, anchor.end);
    const from = start && this.#flat.offsetOf(start);
    const to = end && this.#flat.offsetOf(end);
    if (from == null || to == null || to <= from) return { quote: "", orphaned: true, position: from ?? Number.MAX_SAFE_INTEGER };
    // A thread on a whole long document must not make every listing carry it: the quote is its start.
    return { quote: this.#flat.text.slice(from, Math.min(to, from + MAX_QUOTE_CHARS)), orphaned: false, position: from };
  }

  /**
   * An orphaned anchor whose text is back (an undo re-inserts it as new Yjs items, which the old
   * positions do not follow on other replicas), anchored on it again when that is unambiguous:
   * the occurrence nearest to where the text was, in the same paragraph; or, when that paragraph
   * is gone too, a quote of at least HEAL_MIN_CHARS that appears exactly once in the document.
   */
  reappeared(anchor: Anchor, quote: string): Anchor | null {
    if (!quote) return null;
    const start = absolute(this.doc, anchor.start);
    const at = start && this.#flat.offsetOf(start);
    const run = at == null ? undefined : this.#flat.runs.find((r) => at >= r.start && at <= r.start + r.length);
    if (run && at != null) {
      const text = this.#flat.text.slice(run.start, run.start + run.length);
      let best = -1;
      for (let i = text.indexOf(quote); i !== -1; i = text.indexOf(quote, i + 1)) {
        if (best === -1 || Math.abs(run.start + i - at) < Math.abs(run.start + best - at)) best = i;
      }
      return best === -1 ? null : anchorBetween(this.#flat, run.start + best, run.start + best + quote.length);
    }
    if (quote.length < HEAL_MIN_CHARS) return null;
    const first = this.#flat.text.indexOf(quote);
    if (first === -1 || this.#flat.text.indexOf(quote, first + 1) !== -1) return null;
    return anchorBetween(this.#flat, first, first + quote.length);
  }

  /** Re-anchors at the first appearance of `quote` (a restore brought an orphaned thread's text back). */
  anchorAtQuote(quote: string): Anchor | null {
    const at = quote ? this.#flat.text.indexOf(quote) : -1;
    return at === -1 ? null : anchorBetween(this.#flat, at, at + quote.length);
  }
}

/** Client-made anchors must be relative positions that resolve to a non-empty range of this document. */
export function anchorFromPositions(doc: Y.Doc, start: Uint8Array, end: Uint8Array): Anchor | null {
  const resolved = new AnchorResolver(doc).resolve({ start, end });
  return resolved.orphaned ? null : { start, end };
}
