// How the editor draws an image: the <img> while its file loads, and a clear "Image removed"
// box (with the alt text) when the file is gone (deleted, or no longer yours to see), instead of
// a broken-image icon. Client only: the schema and every export stay the shared Image's.
import type { AnyExtension } from "@tiptap/core";
import { mergeAttributes } from "@tiptap/core";
import Image from "@tiptap/extension-image";

function placeholderBox(what: "Image removed" | "Image not loaded while offline", alt: string | null): HTMLElement {
  const box = document.createElement("span");
  box.dataset.testid = what === "Image removed" ? "image-removed" : "image-offline";
  box.setAttribute("role", "img");
  box.setAttribute("aria-label", `${what}${alt ? `: ${alt}` : ""}`);
  box.className = "inline-block rounded border border-dashed border-slate-400 px-3 py-2 text-sm text-slate-600 dark:text-slate-300";
  box.textContent = `${what}${alt ? ` (${alt})` : ""}`;
  return box;
}

const ImageWithRemovedState = Image.extend({
  addNodeView() {
    return ({ node, HTMLAttributes }) => {
      const dom = document.createElement("span");
      dom.className = "inline-block max-w-full";
      const draw = () => {
        const img = document.createElement("img");
        for (const [key, value] of Object.entries(mergeAttributes(this.options.HTMLAttributes, HTMLAttributes))) {
          if (value != null) img.setAttribute(key, String(value));
        }
        img.addEventListener("error", () => {
          // Offline (the document opened from its offline copy) says nothing about the file: try
          // again once the network is back.
          if (navigator.onLine) return dom.replaceChildren(placeholderBox("Image removed", node.attrs.alt));
          dom.replaceChildren(placeholderBox("Image not loaded while offline", node.attrs.alt));
          window.addEventListener("online", draw, { once: true });
        });
        dom.replaceChildren(img);
      };
      draw();
      // Any change (a new source, new alt text) draws the node afresh.
      return { dom, update: () => false, destroy: () => window.removeEventListener("online", draw) };
    };
  },
});

/** The shared extension list with images drawn as above. */
export function withImageView(extensions: AnyExtension[]): AnyExtension[] {
  return extensions.map((extension) => (extension.name === "image" ? ImageWithRemovedState.configure(extension.options) : extension));
}
