// Which link targets a document may hold: http, https, mailto and relative URLs. Everything
// else (javascript:, data:, vbscript:, file:, ...) could run script or smuggle content when a
// reader clicks it. Shared by the editor (Tiptap's Link), the importers and the exports.
import type { Node as PMNode } from "@tiptap/pm/model";
import { Transform } from "@tiptap/pm/transform";

const ALLOWED_SCHEMES = new Set(["http", "https", "mailto"]);

/** True for http(s), mailto and scheme-less (relative) hrefs, read the way a browser reads them. */
export function isSafeHref(href: string): boolean {
  // Browsers drop leading/trailing C0 controls and spaces, and tabs and newlines anywhere,
  // before reading the scheme: "  java\tscript:" is a javascript: URL.
  const cleaned = href.replace(/[\t\n\r]/g, "").replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned)?.[1];
  if (scheme !== undefined) return ALLOWED_SCHEMES.has(scheme.toLowerCase());
  // A relative reference has no ":" before its first "/", "?" or "#"; nor may it have "&",
  // which a Markdown reader decodes (javascript&#58;alert(1) is a javascript: link there).
  return !/[:&]/.test(cleaned.split(/[/?#]/, 1)[0]!);
}

function isUnsafeLink(mark: PMNode["marks"][number]): boolean {
  return mark.type.name === "link" && typeof mark.attrs.href === "string" && !isSafeHref(mark.attrs.href);
}

/** The hrefs of links that may not stay in a document, in document order. */
export function unsafeHrefs(doc: PMNode): string[] {
  const found: string[] = [];
  doc.descendants((node) => {
    for (const mark of node.marks) if (isUnsafeLink(mark)) found.push(String(mark.attrs.href));
  });
  return found;
}

/** The document with unsafe links turned back into plain text (the words stay). */
export function withoutUnsafeLinks(doc: PMNode): PMNode {
  const transform = new Transform(doc);
  doc.descendants((node, pos) => {
    for (const mark of node.marks) if (isUnsafeLink(mark)) transform.removeMark(pos, pos + node.nodeSize, mark);
  });
  return transform.doc;
}
