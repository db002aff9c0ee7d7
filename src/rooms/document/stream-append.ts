// A streamed append (POST …/document/append with a chunked body): the Worker re-parses all the
// text received so far and sends the blocks that changed since its last step; here they replace
// the blocks the stream wrote last time (`trailing`, at the document's end), as one Yjs
// transaction, so a heading split across chunks ends up one heading and editors watch it grow.
// Blocks before the stream's (and editors' changes in them) are left as they are.
import { Fragment, type Node as PMNode } from "@tiptap/pm/model";
import type * as Y from "yjs";
import { editorSchema } from "../../shared/editor/schema.ts";
import { readFragment, replaceDocument } from "./fragment.ts";

export function replaceTrailingBlocks(doc: Y.Doc, blocks: PMNode[], trailing: number, origin: unknown): void {
  doc.transact(() => {
    const current = readFragment(doc);
    // A document that is only a fresh editor's empty paragraph is replaced, as appendDocument does.
    const blank = current.childCount === 0 || (current.childCount === 1 && current.firstChild!.content.size === 0);
    const kept: PMNode[] = [];
    const keep = blank && trailing === 0 ? 0 : Math.max(0, current.childCount - trailing);
    for (let i = 0; i < keep; i++) kept.push(current.child(i));
    const content = [...kept, ...blocks];
    if (content.length === 0) content.push(editorSchema.nodes.paragraph!.create());
    replaceDocument(doc, editorSchema.topNodeType.create(null, Fragment.fromArray(content)), origin);
  }, origin);
}
