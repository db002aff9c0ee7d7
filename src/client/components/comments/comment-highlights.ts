// Highlights the text of open comment threads in the editor and reports clicks on them.
// Threads come in through setCommentThreads (a transaction meta); the ranges are recomputed from
// the anchors' relative positions on every change of the document, so they follow the text as
// anyone edits it. The active thread's range is marked more strongly.
import { Extension } from "@tiptap/core";
import type { EditorState, Transaction } from "@tiptap/pm/state";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import type { Thread } from "../../../shared/comments.ts";
import { anchorRange } from "./comment-anchor.ts";

type HighlightState = { threads: Thread[]; activeId: string | null; decorations: DecorationSet };
type Meta = { threads?: Thread[]; activeId?: string | null };

const key = new PluginKey<HighlightState>("commentHighlights");

function decorate(state: EditorState, threads: Thread[], activeId: string | null): DecorationSet {
  const decorations: Decoration[] = [];
  for (const thread of threads) {
    if (thread.resolved) continue;
    const range = anchorRange(state, thread.anchor);
    if (!range) continue;
    decorations.push(
      Decoration.inline(range.from, range.to, {
        class: thread.id === activeId ? "comment-highlight comment-highlight-active" : "comment-highlight",
        "data-thread-id": thread.id,
      }, { threadId: thread.id }),
    );
  }
  return DecorationSet.create(state.doc, decorations);
}

/** Replaces the threads shown (and which one is open). */
export function setCommentThreads(tr: Transaction, meta: Meta): Transaction {
  return tr.setMeta(key, meta);
}

export const CommentHighlights = Extension.create<{ onOpenThread: (threadId: string) => void }>({
  name: "commentHighlights",
  addOptions() {
    return { onOpenThread: () => {} };
  },
  addProseMirrorPlugins() {
    const { onOpenThread } = this.options;
    return [
      new Plugin<HighlightState>({
        key,
        state: {
          init: (_config, state) => ({ threads: [], activeId: null, decorations: DecorationSet.create(state.doc, []) }),
          apply(tr, previous, _old, state) {
            const meta = tr.getMeta(key) as Meta | undefined;
            if (!meta && !tr.docChanged) return previous;
            const threads = meta?.threads ?? previous.threads;
            const activeId = meta && "activeId" in meta ? (meta.activeId ?? null) : previous.activeId;
            return { threads, activeId, decorations: decorate(state, threads, activeId) };
          },
        },
        props: {
          decorations: (state) => key.getState(state)?.decorations,
          handleClick(view, pos) {
            const found = key.getState(view.state)?.decorations.find(pos, pos);
            const threadId = (found?.[0]?.spec as { threadId?: string } | undefined)?.threadId;
            if (threadId) onOpenThread(threadId);
            return false;
          },
        },
      }),
    ];
  },
});
