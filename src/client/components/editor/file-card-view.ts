// How the editor draws a file card: a download link with the file's name and size, and a clear
// "File removed" box once the file is gone (deleted, or no longer yours to see). Whether it is
// gone is asked once, when the card is drawn, with a one-byte read; images learn the same from
// their failed load (image-view.ts). Client only: the schema and every export stay file-card.ts's.
import type { AnyExtension } from "@tiptap/core";
import { FileCard, fileCardLabel, fileSizeLabel } from "../../../shared/editor/file-card.ts";
import { isSafeHref } from "../../../shared/editor/safe-href.ts";

const CARD = "inline-flex max-w-full items-center gap-2 rounded-lg border px-3 py-1.5 align-middle text-sm no-underline";

function removedBox(name: string): HTMLElement {
  const box = document.createElement("span");
  box.dataset.testid = "file-removed";
  box.className = `${CARD} border-dashed border-slate-400 text-slate-600 dark:text-slate-300`;
  box.textContent = `File removed (${name})`;
  return box;
}

/** 404/403/410: the file is gone for this reader; anything else (offline included) keeps the card. */
async function isGone(href: string): Promise<boolean> {
  try {
    const response = await fetch(href, { credentials: "include", headers: { range: "bytes=0-0" } });
    void response.body?.cancel();
    return response.status === 404 || response.status === 403 || response.status === 410;
  } catch {
    return false;
  }
}

const FileCardWithRemovedState = FileCard.extend({
  addNodeView() {
    return ({ node }) => {
      const name = typeof node.attrs.name === "string" ? node.attrs.name : "file";
      const href = typeof node.attrs.href === "string" && isSafeHref(node.attrs.href) ? node.attrs.href : null;
      const dom = document.createElement("span");
      dom.className = "inline-block max-w-full";
      const link = document.createElement("a");
      link.dataset.testid = "file-card";
      link.className = `${CARD} border-slate-300 bg-slate-50 text-slate-900 hover:border-indigo-400 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100`;
      if (href) link.href = href;
      link.target = "_blank";
      link.rel = "noopener";
      link.download = name;
      link.setAttribute("aria-label", `Download ${fileCardLabel(node.attrs)}`);
      const icon = document.createElement("span");
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = "📎";
      const label = document.createElement("span");
      label.className = "truncate font-medium";
      label.textContent = name;
      link.append(icon, label);
      if (typeof node.attrs.size === "number") {
        const size = document.createElement("span");
        size.className = "shrink-0 text-slate-600 dark:text-slate-300";
        size.textContent = fileSizeLabel(node.attrs.size);
        link.append(size);
      }
      dom.append(link);
      if (href) void isGone(href).then((gone) => gone && dom.replaceChildren(removedBox(name)));
      // Any change (another file) draws the card afresh.
      return { dom, update: () => false };
    };
  },
});

/** The extension list with file cards drawn as above. */
export function withFileCardView(extensions: AnyExtension[]): AnyExtension[] {
  return extensions.map((extension) => (extension.name === "fileCard" ? FileCardWithRemovedState : extension));
}
