// Which link targets a document may hold: http, https, mailto and relative URLs. Everything
// else (javascript:, data:, vbscript:, file:, ...) could run script or smuggle content when a
// reader clicks it. Images are held to the same rule, without mailto. Shared by the editor
// (Tiptap's Link), the importers and the exports.
import type { Node as PMNode } from "@tiptap/pm/model";
import { Transform } from "@tiptap/pm/transform";

const ALLOWED_SCHEMES = new Set(["http", "https", "mailto"]);

/** The scheme of an href read the way a browser reads it (lower case), or null when relative. */
function schemeOf(href: string): string | null | undefined {
  // Browsers drop leading/trailing C0 controls and spaces, and tabs and newlines anywhere,
  // before reading the scheme: "  java\tscript:" is a javascript: URL.
  const cleaned = href.replace(/[\t\n\r]/g, "").replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned)?.[1];
  if (scheme !== undefined) return scheme.toLowerCase();
  // A relative reference has no ":" before its first "/", "?" or "#"; nor may it have "&",
  // which a Markdown reader decodes (javascript&#58;alert(1) is a javascript: link there).
  // undefined: neither a scheme nor a clean relative reference.
  return /[:&]/.test(cleaned.split(/[/?#]/, 1)[0]!) ? undefined : null;
}

/** True for http(s), mailto and scheme-less (relative) hrefs, read the way a browser reads them. */
export function isSafeHref(href: string): boolean {
  const scheme = schemeOf(href);
  return scheme === null || (scheme !== undefined && ALLOWED_SCHEMES.has(scheme));
}

/** True for http(s) and relative image sources: no data:, javascript: or mailto:. */
export function isSafeImageSrc(src: string): boolean {
  return isSafeHref(src) && schemeOf(src) !== "mailto";
}

function isUnsafeLink(mark: PMNode["marks"][number]): boolean {
  return mark.type.name === "link" && typeof mark.attrs.href === "string" && !isSafeHref(mark.attrs.href);
}

function isUnsafeImage(node: PMNode): boolean {
  if (node.type.name === "fileCard") return !(typeof node.attrs.href === "string" && isSafeHref(node.attrs.href));
  return node.type.name === "image" && !(typeof node.attrs.src === "string" && isSafeImageSrc(node.attrs.src));
}

/** The hrefs of links and sources of images that may not stay in a document, in document order. */
export function unsafeHrefs(doc: PMNode): string[] {
  const found: string[] = [];
  doc.descendants((node) => {
    if (isUnsafeImage(node)) found.push(String(node.attrs.src ?? node.attrs.href));
    for (const mark of node.marks) if (isUnsafeLink(mark)) found.push(String(mark.attrs.href));
  });
  return found;
}

/** The document with unsafe links turned back into plain text (the words stay) and unsafe images and file cards removed. */
export function withoutUnsafeLinks(doc: PMNode): PMNode {
  const transform = new Transform(doc);
  const images: number[] = [];
  doc.descendants((node, pos) => {
    if (isUnsafeImage(node)) images.push(pos);
    for (const mark of node.marks) if (isUnsafeLink(mark)) transform.removeMark(pos, pos + node.nodeSize, mark);
  });
  // Last first, so earlier positions stay valid (mark steps above do not move anything).
  for (const pos of images.reverse()) transform.delete(pos, pos + 1);
  return transform.doc;
}
