// Between the editor's positions and a thread's anchor (Yjs relative positions, base64), with
// the binding Tiptap's Collaboration extension keeps (y-tiptap's sync plugin state).
// A new anchor sticks to the selection's first and last characters (assoc 0 / -1), as the
// server's anchors do (src/rooms/comments/anchor.ts): typing at either edge stays outside it.
import type { EditorState } from "@tiptap/pm/state";
import type { EditorView } from "@tiptap/pm/view";
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { fromBase64, toBase64 } from "../../../shared/base64.ts";

type Binding = { doc: Y.Doc; type: Y.XmlFragment; mapping: Map<Y.AbstractType<unknown>, unknown> };

function bindingOf(state: EditorState): Binding | null {
  const sync = ySyncPluginKey.getState(state) as { binding?: Binding; doc?: Y.Doc; type?: Y.XmlFragment } | undefined;
  const binding = sync?.binding;
  return binding?.mapping ? { doc: sync!.doc ?? binding.doc, type: sync!.type ?? binding.type, mapping: binding.mapping } : null;
}


function relative(binding: Binding, pos: number, assoc: number): string | null {
  const made = absolutePositionToRelativePosition(pos, binding.type, binding.mapping as never);
  const absolute = made && Y.createAbsolutePositionFromRelativePosition(made, binding.doc);
  if (!absolute) return null;
  return toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(absolute.type, absolute.index, assoc)));
}

/**
 * The selection as the browser shows it. ProseMirror reads a selection made with the keyboard
 * (Shift+End) or in a read-only document from the DOM a moment later, so a shortcut pressed
 * right after it would see the old one: the DOM's own selection wins when it lies in the editor.
 */
function selectedRange(view: EditorView): { from: number; to: number } {
  const { from, to } = view.state.selection;
  const dom = view.dom.ownerDocument.getSelection();
  if (!dom || dom.isCollapsed || !dom.anchorNode || !dom.focusNode) return { from, to };
  if (!view.dom.contains(dom.anchorNode) || !view.dom.contains(dom.focusNode)) return { from, to };
  try {
    const anchor = view.posAtDOM(dom.anchorNode, dom.anchorOffset);
    const focus = view.posAtDOM(dom.focusNode, dom.focusOffset);
    return { from: Math.min(anchor, focus), to: Math.max(anchor, focus) };
  } catch {
    return { from, to };
  }
}

/** The current selection as an anchor to send, with the text it covers; null for an empty selection. */
export function selectionAnchor(view: EditorView): { start: string; end: string; quote: string } | null {
  const { state } = view;
  const { from, to } = selectedRange(view);
  const binding = bindingOf(state);
  if (from === to || !binding) return null;
  const quote = state.doc.textBetween(from, to, "\n", "\uFFFC").trim();
  const start = relative(binding, from, 0);
  const end = relative(binding, to, -1);
  return quote && start && end ? { start, end, quote } : null;
}

/**
 * One end of an anchor as an editor position. The anchor is resolved in Yjs first and handed to
 * y-tiptap as a left-associated position: y-tiptap treats an item-based text position that maps
 * to the document's very start as misresolved, which a comment on the first word would hit.
 */
function editorPosition(binding: Binding, encoded: string): number | null {
  const absolute = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(fromBase64(encoded)), binding.doc);
  if (!absolute) return null;
  const left = Y.createRelativePositionFromTypeIndex(absolute.type, absolute.index, -1);
  return relativePositionToAbsolutePosition(binding.doc, binding.type, left, binding.mapping as never);
}

/** Where a thread's anchor is in the editor now; null when its text is gone (orphaned) or unknown here. */
export function anchorRange(state: EditorState, anchor: { start: string; end: string }): { from: number; to: number } | null {
  const binding = bindingOf(state);
  if (!binding) return null;
  try {
    const from = editorPosition(binding, anchor.start);
    const to = editorPosition(binding, anchor.end);
    return from !== null && to !== null && to > from ? { from, to } : null;
  } catch {
    return null;
  }
}
