// The selected image's alt text: what a screen reader says, and what exports keep (![alt](src)).
import type { Editor } from "@tiptap/core";
import { useEffect, useRef, useState, type FormEvent } from "react";

const MAX_ALT = 500;

export function AltTextDialog({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [alt, setAlt] = useState(String(editor.getAttributes("image").alt ?? ""));
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    editor.chain().focus().updateAttributes("image", { alt: alt.trim() || null }).run();
    onClose();
  };
  return (
    <dialog
      ref={dialog}
      aria-labelledby="alt-dialog-title"
      onClose={onClose}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:bg-slate-800 dark:text-slate-100"
    >
      <form onSubmit={submit} className="flex flex-col gap-3">
        <h2 id="alt-dialog-title" className="text-lg font-semibold">
          Image description
        </h2>
        <label className="flex flex-col gap-1 text-sm">
          Alt text (what the image shows)
          <input
            autoFocus
            value={alt}
            maxLength={MAX_ALT}
            onChange={(e) => setAlt(e.target.value)}
            className="rounded border border-slate-300 px-3 py-2 dark:border-slate-600 dark:bg-slate-900"
          />
        </label>
        <div className="flex justify-end gap-2">
          <button type="button" onClick={onClose} className="rounded px-3 py-2 text-sm hover:bg-slate-100 dark:hover:bg-slate-700">
            Cancel
          </button>
          <button type="submit" className="rounded bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-700">
            Save description
          </button>
        </div>
      </form>
    </dialog>
  );
}
