// Add, change or remove the link at the selection. Only targets the document may hold are
// accepted (src/shared/editor/safe-href.ts; Tiptap's Link refuses the rest too).
import type { Editor } from "@tiptap/core";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { isSafeHref } from "../../../shared/editor/safe-href.ts";

export function LinkDialog({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const existing = editor.getAttributes("link").href as string | undefined;
  const [href, setHref] = useState(existing ?? "");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const target = href.trim();
    if (!target || !isSafeHref(target)) {
      setError("Links may point only to http, https, mailto or relative addresses.");
      return;
    }
    const chain = editor.chain().focus().extendMarkRange("link");
    if (editor.state.selection.empty && !existing) {
      // Nothing selected: the address itself becomes the linked text.
      chain.insertContent({ type: "text", text: target, marks: [{ type: "link", attrs: { href: target } }] }).run();
    } else {
      chain.setLink({ href: target }).run();
    }
    onClose();
  };

  const remove = () => {
    editor.chain().focus().extendMarkRange("link").unsetLink().run();
    onClose();
  };

  return (
    <dialog
      ref={dialog}
      aria-labelledby="link-dialog-title"
      onClose={onClose}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:bg-slate-800 dark:text-slate-100"
    >
      <form onSubmit={submit} className="flex flex-col gap-3">
        <h2 id="link-dialog-title" className="text-lg font-semibold">
          {existing ? "Edit link" : "Add link"}
        </h2>
        <label className="flex flex-col gap-1 text-sm">
          Link address
          <input
            autoFocus
            value={href}
            onChange={(e) => {
              setHref(e.target.value);
              setError(null);
            }}
            placeholder="https://example.com"
            aria-invalid={error !== null}
            aria-describedby={error ? "link-error" : undefined}
            className="rounded border border-slate-300 px-3 py-2 dark:border-slate-600 dark:bg-slate-900"
          />
        </label>
        {error && (
          <p id="link-error" role="alert" className="text-sm text-red-700 dark:text-red-300">
            {error}
          </p>
        )}
        <div className="flex flex-wrap justify-end gap-2">
          {existing && (
            <button type="button" onClick={remove} className="mr-auto rounded px-3 py-2 text-sm text-red-700 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950">
              Remove link
            </button>
          )}
          <button type="button" onClick={onClose} className="rounded px-3 py-2 text-sm hover:bg-slate-100 dark:hover:bg-slate-700">
            Cancel
          </button>
          <button type="submit" className="rounded bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-700">
            {existing ? "Save link" : "Add link"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
