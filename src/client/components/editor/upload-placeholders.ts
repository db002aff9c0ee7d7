// Where an upload will land, shown in the document while it runs: a widget with the file's name
// and progress at the drop point or caret, which the image or file card replaces when the upload
// is stored. Only the uploader sees it (a decoration, never part of the shared document).
//
// The spot is kept as a Yjs relative position: remote edits reach the editor as a whole-document
// replacement (y-tiptap), which would squash a plain position mapped through the transaction.
import { Extension, type Editor } from "@tiptap/core";
import { Plugin, PluginKey, type EditorState } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from "@tiptap/y-tiptap";
import type * as Y from "yjs";

type Binding = { doc: Y.Doc; type: Y.XmlFragment; mapping: Map<Y.AbstractType<unknown>, unknown> };
type Pending = { id: number; name: string; percent: number; spot: Y.RelativePosition | null; fallback: number };
type Meta = { add: Pending } | { progress: { id: number; percent: number } } | { remove: number };

const key = new PluginKey<Pending[]>("uploadPlaceholders");
let nextId = 1;

function bindingOf(state: EditorState): Binding | null {
  const sync = ySyncPluginKey.getState(state) as { binding?: Binding; doc?: Y.Doc; type?: Y.XmlFragment } | undefined;
  const binding = sync?.binding;
  return binding?.mapping ? { doc: sync!.doc ?? binding.doc, type: sync!.type ?? binding.type, mapping: binding.mapping } : null;
}

function positionOf(state: EditorState, pending: Pending): number {
  const binding = bindingOf(state);
  let pos: number | null = null;
  if (binding && pending.spot) {
    try {
      pos = relativePositionToAbsolutePosition(binding.doc, binding.type, pending.spot, binding.mapping as never);
    } catch {
      pos = null;
    }
  }
  return Math.max(0, Math.min(pos ?? pending.fallback, state.doc.content.size));
}

function widget(pending: Pending): HTMLElement {
  const box = document.createElement("span");
  box.dataset.testid = "upload-placeholder";
  box.contentEditable = "false";
  box.className = "mx-0.5 inline-flex items-center gap-2 rounded-lg border border-dashed border-indigo-400 px-3 py-1 align-middle text-sm text-slate-700 dark:text-slate-200";
  const label = document.createElement("span");
  label.textContent = `Uploading ${pending.name}… ${pending.percent}%`;
  const bar = document.createElement("span");
  bar.className = "inline-block h-1.5 w-16 overflow-hidden rounded bg-slate-200 dark:bg-slate-700";
  const fill = document.createElement("span");
  fill.className = "block h-full bg-indigo-500";
  fill.style.width = `${pending.percent}%`;
  bar.append(fill);
  box.append(label, bar);
  return box;
}

export const UploadPlaceholders = Extension.create({
  name: "uploadPlaceholders",
  addProseMirrorPlugins() {
    return [
      new Plugin<Pending[]>({
        key,
        state: {
          init: () => [],
          apply(tr, list) {
            // The fallback (no Yjs binding yet) follows local edits at least.
            let next = tr.docChanged ? list.map((p) => ({ ...p, fallback: tr.mapping.map(p.fallback) })) : list;
            const meta = tr.getMeta(key) as Meta | undefined;
            if (!meta) return next;
            if ("add" in meta) next = [...next, meta.add];
            else if ("progress" in meta) next = next.map((p) => (p.id === meta.progress.id ? { ...p, percent: meta.progress.percent } : p));
            else next = next.filter((p) => p.id !== meta.remove);
            return next;
          },
        },
        props: {
          decorations(state) {
            const list = key.getState(state) ?? [];
            if (list.length === 0) return DecorationSet.empty;
            return DecorationSet.create(
              state.doc,
              list.map((p) => Decoration.widget(positionOf(state, p), () => widget(p), { key: `upload-${p.id}-${p.percent}`, side: -1 })),
            );
          },
        },
      }),
    ];
  },
});

const dispatch = (editor: Editor, meta: Meta) => {
  if (!editor.isDestroyed) editor.view.dispatch(editor.state.tr.setMeta(key, meta).setMeta("addToHistory", false));
};

/** Shows an upload at `pos`; returns its id. */
export function addUploadPlaceholder(editor: Editor, name: string, pos: number): number {
  const id = nextId++;
  const binding = bindingOf(editor.state);
  let spot: Y.RelativePosition | null = null;
  try {
    spot = binding ? absolutePositionToRelativePosition(pos, binding.type, binding.mapping as never) : null;
  } catch {
    spot = null;
  }
  dispatch(editor, { add: { id, name, percent: 0, spot, fallback: pos } });
  return id;
}

export const setUploadProgress = (editor: Editor, id: number, percent: number) => dispatch(editor, { progress: { id, percent } });

/** Takes the placeholder away; returns where it was, for the finished node to go. */
export function removeUploadPlaceholder(editor: Editor, id: number): number | null {
  if (editor.isDestroyed) return null;
  const pending = (key.getState(editor.state) ?? []).find((p) => p.id === id);
  const pos = pending ? positionOf(editor.state, pending) : null;
  dispatch(editor, { remove: id });
  return pos;
}
