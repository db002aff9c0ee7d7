// How the editor draws an image: the <img> while its file loads, and a clear "Image removed"
// box (with the alt text) when the file is gone (deleted, or no longer yours to see), instead of
// a broken-image icon. Client only: the schema and every export stay the shared Image's.
import type { AnyExtension } from "@tiptap/core";
import { mergeAttributes } from "@tiptap/core";
import Image from "@tiptap/extension-image";

function removedBox(alt: string | null): HTMLElement {
  const box = document.createElement("span");
  box.dataset.testid = "image-removed";
  box.setAttribute("role", "img");
  box.setAttribute("aria-label", `Image removed${alt ? `: ${alt}` : ""}`);
  box.className = "inline-block rounded border border-dashed border-slate-400 px-3 py-2 text-sm text-slate-600 dark:text-slate-300";
  box.textContent = `Image removed${alt ? ` (${alt})` : ""}`;
  return box;
}

const ImageWithRemovedState = Image.extend({
  addNodeView() {
    return ({ node, HTMLAttributes }) => {
      const dom = document.createElement("span");
      dom.className = "inline-block max-w-full";
      const img = document.createElement("img");
      for (const [key, value] of Object.entries(mergeAttributes(this.options.HTMLAttributes, HTMLAttributes))) {
        if (value != null) img.setAttribute(key, String(value));
      }
      img.addEventListener("error", () => dom.replaceChildren(removedBox(node.attrs.alt)));
      dom.append(img);
      // Any change (a new source, new alt text) draws the node afresh.
      return { dom, update: () => false };
    };
  },
});

/** The shared extension list with images drawn as above. */
export function withImageView(extensions: AnyExtension[]): AnyExtension[] {
  return extensions.map((extension) => (extension.name === "image" ? ImageWithRemovedState.configure(extension.options) : extension));
}
