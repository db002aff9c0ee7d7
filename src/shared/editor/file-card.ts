// A file in the document: an inline card with the file's name, its size and a link to
// /api/files/:id. Part of the shared schema, so every export keeps it: HTML as
// `<a data-file-card href data-name data-size>` (which the HTML import turns back into a card),
// Markdown as the link `[name](href)`, plain text as "name (size)". Only safe hrefs are kept
// (safe-href.ts); a card whose href is not is dropped by the importers, like an unsafe image.
import { mergeAttributes, Node } from "@tiptap/core";
import { isSafeHref } from "./safe-href.ts";

/** "2.4 MiB": sizes as the files panel shows them (powers of 1024, one decimal below 10). */
export function fileSizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** What a reader sees, and what plain text keeps: "report.pdf (2.4 MiB)". */
export function fileCardLabel(attrs: { name?: unknown; size?: unknown }): string {
  const name = typeof attrs.name === "string" && attrs.name ? attrs.name : "file";
  return typeof attrs.size === "number" ? `${name} (${fileSizeLabel(attrs.size)})` : name;
}

const sizeFrom = (value: string | null): number | null => {
  const size = value === null || value === "" ? NaN : Number(value);
  return Number.isSafeInteger(size) && size >= 0 ? size : null;
};

export const FileCard = Node.create({
  name: "fileCard",
  group: "inline",
  inline: true,
  atom: true,
  selectable: true,
  draggable: true,

  addAttributes() {
    return {
      href: {
        default: null,
        parseHTML: (element) => {
          const href = element.getAttribute("href");
          return href && isSafeHref(href) ? href : null;
        },
        renderHTML: () => ({}), // written by renderHTML below, only when safe
      },
      name: { default: "file", parseHTML: (element) => element.getAttribute("data-name") || element.textContent || "file", renderHTML: (attrs) => ({ "data-name": attrs.name }) },
      size: { default: null, parseHTML: (element) => sizeFrom(element.getAttribute("data-size")), renderHTML: (attrs) => (attrs.size == null ? {} : { "data-size": String(attrs.size) }) },
    };
  },

  // Above the link mark's `a[href]`, so an exported card comes back as a card, not a link; one
  // with an unsafe href is not a card (and the link rule keeps only its words).
  parseHTML() {
    return [{ tag: "a[data-file-card]", priority: 100, getAttrs: (element) => (isSafeHref(element.getAttribute("href") ?? "") && element.getAttribute("href") ? null : false) }];
  },

  renderHTML({ node, HTMLAttributes }) {
    const href = typeof node.attrs.href === "string" && isSafeHref(node.attrs.href) ? node.attrs.href : null;
    return ["a", mergeAttributes(HTMLAttributes, { "data-file-card": "", href, download: node.attrs.name }), fileCardLabel(node.attrs)];
  },

  renderText({ node }) {
    return fileCardLabel(node.attrs);
  },
});
