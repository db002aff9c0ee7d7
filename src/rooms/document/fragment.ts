// The Yjs side: read the editor's fragment as ProseMirror, and write ProseMirror into it as
// ordinary CRDT edits, with the same binding code (@tiptap/y-tiptap) the client's
// Collaboration extension runs, so both sides agree on the Y.XmlElement layout.
import type { Node as PMNode } from "@tiptap/pm/model";
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { editorSchema, FRAGMENT_NAME } from "../../shared/editor/schema.ts";
import { DocumentFormatError, parsing } from "./errors.ts";

function fragmentOf(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(FRAGMENT_NAME);
}

// Note: like the editor, this drops (and deletes from Yjs) elements the schema can't hold.
export function readFragment(doc: Y.Doc): PMNode {
  return yXmlFragmentToProseMirrorRootNode(fragmentOf(doc), editorSchema);
}

function assertDocument(node: PMNode): void {
  if (node.type !== editorSchema.topNodeType) {
    throw new DocumentFormatError(`Expected a "${editorSchema.topNodeType.name}" node, got "${node.type.name}".`);
  }
  parsing("document", () => node.check());
}

// updateYFragment diffs against what is there: unchanged blocks keep their Yjs identity, so a
// collaborator typing in one of them while this runs keeps their edit after the merge.
function writeFragment(doc: Y.Doc, node: PMNode, origin: unknown): void {
  doc.transact(() => {
    updateYFragment(doc, fragmentOf(doc), node, { mapping: new Map(), isOMark: new Map() });
  }, origin);
}

// Makes the shared document equal to `node`, as one Yjs transaction.
export function replaceDocument(doc: Y.Doc, node: PMNode, origin?: unknown): void {
  assertDocument(node);
  writeFragment(doc, node, origin);
}

// Adds `node`'s blocks after the current ones, as one Yjs transaction. A document that is
// only the empty paragraph a fresh editor creates is replaced instead of kept as a blank line.
export function appendDocument(doc: Y.Doc, node: PMNode, origin?: unknown): void {
  assertDocument(node);
  doc.transact(() => {
    const current = readFragment(doc);
    const blank = current.childCount === 0 || (current.childCount === 1 && current.firstChild!.content.size === 0);
    const combined = blank ? node.content : current.content.append(node.content);
    writeFragment(doc, editorSchema.topNodeType.create(null, combined), origin);
  }, origin);
}

// The document held by an encoded Yjs state (an update or a snapshot's full state).
export function documentFromState(state: Uint8Array): PMNode {
  const old = new Y.Doc();
  try {
    parsing("saved Yjs state", () => Y.applyUpdate(old, state));
    return readFragment(old);
  } finally {
    old.destroy();
  }
}

// Restoring a snapshot is a new edit on top of the current history, not a rewind: peers that
// merge it see the old content, and anyone's offline edits still merge afterwards.
export function restoreFromState(doc: Y.Doc, oldState: Uint8Array, origin?: unknown): void {
  const old = documentFromState(oldState);
  // A snapshot taken before anyone typed holds an empty fragment, which is no valid editor
  // document (a doc needs a block): restoring it empties the fragment, as it was.
  if (old.childCount === 0) {
    const fragment = fragmentOf(doc);
    doc.transact(() => fragment.delete(0, fragment.length), origin);
    return;
  }
  replaceDocument(doc, old, origin);
}
