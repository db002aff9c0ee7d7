// "What changed since then, and who did it": the text inserted and deleted between a base
// state (a snapshot) and the live document, with authors from the attribution ranges.
//
// Inserted: visible text in the live document whose Yjs ids the base's state vector lacks.
// Deleted:  visible text in the base whose ids the live document has deleted. The room's
// document garbage-collects deleted content (YServer's gc), so deleted text is read from the
// base, which still holds it; no copy of deleted text is ever stored.
// `block` is the index of the top-level block the text is in: in the live document for
// insertions, in the base for deletions (a deleted block is no longer in the live document).
import * as Y from "yjs";
import { FRAGMENT_NAME } from "../../shared/editor/schema.ts";
import type { AttributionIndex, Segment } from "./store.ts";

type DeleteSet = ReturnType<typeof Y.createDeleteSetFromStructStore>;

export type ChangeRun = { kind: "insert" | "delete"; author: string; text: string; block: number };

/** Bounds of one answer: a document of the maximum size still answers in a few hundred KiB. */
export const MAX_RUNS = 500;
export const MAX_RUN_CHARS = 2_000;

export function changesBetween(base: Uint8Array | null, live: Y.Doc, attribution: AttributionIndex): { changes: ChangeRun[]; truncated: boolean } {
  const runs = new Runs();
  const baseDoc = new Y.Doc({ gc: false });
  try {
    if (base) Y.applyUpdate(baseDoc, base);
    const baseVector = stateVector(baseDoc);
    // Insertions: live text the base did not have.
    walkText(live, (item, block, node) => {
      const from = Math.max(item.id.clock, baseVector.get(item.id.client) ?? 0);
      const to = item.id.clock + item.length;
      if (from >= to) return runs.gap();
      if (from > item.id.clock) runs.gap();
      for (const segment of attribution.insertedBy(item.id.client, from, to)) runs.add("insert", segment, textOf(item, segment), block, node);
    });
    runs.gap();
    if (base) {
      // Deletions: base text the live document deleted (ids it has and marks deleted).
      const liveVector = stateVector(live);
      const deleted = Y.createDeleteSetFromStructStore(live.store);
      walkText(baseDoc, (item, block, node) => {
        const known = Math.min(item.id.clock + item.length, liveVector.get(item.id.client) ?? 0);
        let at = item.id.clock;
        for (const [start, end] of deletedWithin(deleted, item.id.client, item.id.clock, known)) {
          if (start > at) runs.gap();
          for (const segment of attribution.deletedBy(item.id.client, start, end)) runs.add("delete", segment, textOf(item, segment), block, node);
          at = end;
        }
        if (at < item.id.clock + item.length) runs.gap();
      });
    }
  } finally {
    baseDoc.destroy();
  }
  return runs.result();
}

function stateVector(doc: Y.Doc): Map<number, number> {
  return Y.decodeStateVector(Y.encodeStateVector(doc));
}

function textOf(item: Y.Item, segment: Segment): string {
  return (item.content as Y.ContentString).str.slice(segment.start - item.id.clock, segment.end - item.id.clock);
}

/** The parts of [from, to) of `client` that `ds` marks deleted, as [start, end) pairs. */
function deletedWithin(ds: DeleteSet, client: number, from: number, to: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const item of ds.clients.get(client) ?? []) {
    const start = Math.max(from, item.clock);
    const end = Math.min(to, item.clock + item.len);
    if (start < end) out.push([start, end]);
  }
  return out;
}

/**
 * Visits every visible string item of the editor's fragment in document order, with the index
 * of its top-level block and the text node it belongs to.
 */
function walkText(doc: Y.Doc, visit: (item: Y.Item, block: number, node: Y.AbstractType<unknown>) => void): void {
  const fragment = doc.getXmlFragment(FRAGMENT_NAME);
  let block = 0;
  for (let item = fragment._start; item; item = item.right) {
    if (item.deleted) continue;
    if (item.content instanceof Y.ContentType) walkType(item.content.type, block, visit);
    block++;
  }
}

function walkType(type: Y.AbstractType<unknown>, block: number, visit: (item: Y.Item, block: number, node: Y.AbstractType<unknown>) => void): void {
  for (let item = type._start; item; item = item.right) {
    if (item.deleted) continue;
    if (item.content instanceof Y.ContentString) visit(item, block, type);
    else if (item.content instanceof Y.ContentType) walkType(item.content.type, block, visit);
  }
}

/** Collects runs, merging pieces of one kind and author that follow each other in a block. */
class Runs {
  #runs: Array<ChangeRun & { node: unknown }> = [];
  #gap = true;
  #truncated = false;

  /** Unchanged text came between: the next piece starts a new run. */
  gap(): void {
    this.#gap = true;
  }

  add(kind: ChangeRun["kind"], segment: Segment, text: string, block: number, node: unknown): void {
    const last = this.#runs[this.#runs.length - 1];
    if (!this.#gap && last && last.kind === kind && last.author === segment.author && last.block === block) {
      last.text = clip(last.text + (last.node === node ? "" : "\n") + text);
      last.node = node;
      return;
    }
    this.#gap = false;
    if (this.#runs.length >= MAX_RUNS) {
      this.#truncated = true;
      return;
    }
    this.#runs.push({ kind, author: segment.author, text: clip(text), block, node });
  }

  result(): { changes: ChangeRun[]; truncated: boolean } {
    return { changes: this.#runs.map(({ node: _node, ...run }) => run), truncated: this.#truncated };
  }
}

function clip(text: string): string {
  return text.length > MAX_RUN_CHARS ? `${text.slice(0, MAX_RUN_CHARS - 1)}…` : text;
}
