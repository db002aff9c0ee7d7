// The document conversion layer: a room's Y.Doc to JSON/Markdown/HTML/text and back, all
// inside workerd (no DOM). Size limits are the caller's job; every parser here is bounded.
import type { Node as PMNode } from "@tiptap/pm/model";
import type * as Y from "yjs";
import { unsafeHrefs, withoutUnsafeLinks } from "../../shared/editor/safe-href.ts";
import { editorSchema } from "../../shared/editor/schema.ts";
import { DocumentFormatError, parsing } from "./errors.ts";
import { readFragment } from "./fragment.ts";
import type { ContentKind, DocumentFormat } from "./formats.ts";
import { parseHtml, renderHtml } from "./html.ts";
import { parseMarkdown, serializeMarkdown } from "./markdown.ts";
import { parseText, renderText } from "./text.ts";

export { DocumentFormatError } from "./errors.ts";
export { ContentKind } from "./formats.ts";
export { appendDocument, documentFromState, replaceDocument, restoreFromState } from "./fragment.ts";

// ProseMirror's JSON for a document: { type: "doc", content: [...] }.
export type DocumentJSON = { type: string; content?: unknown[]; [key: string]: unknown };

export function renderDocument(node: PMNode, format: "json"): DocumentJSON;
export function renderDocument(node: PMNode, format: Exclude<DocumentFormat, "json">): string;
export function renderDocument(node: PMNode, format: DocumentFormat): string | DocumentJSON;
export function renderDocument(stored: PMNode, format: DocumentFormat): string | DocumentJSON {
  // Clients can put any link into the Yjs document: only safe ones ever leave it.
  const node = withoutUnsafeLinks(stored);
  switch (format) {
    case "json":
      return node.toJSON() as DocumentJSON;
    case "markdown":
      return serializeMarkdown(node);
    case "html":
      return renderHtml(node);
    case "text":
      return renderText(node);
  }
}

export function readDocument(doc: Y.Doc, format: "json"): DocumentJSON;
export function readDocument(doc: Y.Doc, format: Exclude<DocumentFormat, "json">): string;
export function readDocument(doc: Y.Doc, format: DocumentFormat): string | DocumentJSON;
export function readDocument(doc: Y.Doc, format: DocumentFormat): string | DocumentJSON {
  return renderDocument(readFragment(doc), format);
}

// Throws DocumentFormatError for content that cannot become a valid editor document.
export function parseContent(body: string, kind: ContentKind): PMNode {
  const node = parseAny(body, kind);
  // HTML and Markdown keep an unsafe link as text, as browsers and Markdown readers do; JSON
  // states its marks outright, so one that names an unsafe target is refused.
  const unsafe = unsafeHrefs(node);
  if (unsafe.length) throw new DocumentFormatError(`Links may point only to http, https, mailto or relative URLs, not ${JSON.stringify(unsafe[0]!.slice(0, 100))}.`);
  return node;
}

function parseAny(body: string, kind: ContentKind): PMNode {
  switch (kind) {
    case "markdown":
      return parsing("Markdown", () => parseMarkdown(body));
    case "html":
      return parsing("HTML", () => parseHtml(body));
    case "text":
      return parsing("text", () => parseText(body));
    case "json":
      return parsing("document JSON", () => {
        const node = editorSchema.nodeFromJSON(JSON.parse(body));
        if (node.type !== editorSchema.topNodeType) throw new Error(`the root must be a "${editorSchema.topNodeType.name}" node`);
        node.check();
        return node;
      });
  }
}
