// The document conversion layer: a room's Y.Doc to JSON/Markdown/HTML/text and back, all
// inside workerd (no DOM). Size limits are the caller's job; every parser here is bounded.
import type { Node as PMNode } from "@tiptap/pm/model";
import type * as Y from "yjs";
import { editorSchema } from "../../shared/editor/schema.ts";
import { parsing } from "./errors.ts";
import { readFragment } from "./fragment.ts";
import type { ContentKind, DocumentFormat } from "./formats.ts";
import { parseHtml, renderHtml } from "./html.ts";
import { parseMarkdown, serializeMarkdown } from "./markdown.ts";
import { parseText, renderText } from "./text.ts";

export { DocumentFormatError } from "./errors.ts";
export { ContentKind, DocumentFormat } from "./formats.ts";
export { appendDocument, documentFromState, readFragment, replaceDocument, restoreFromState } from "./fragment.ts";

// ProseMirror's JSON for a document: { type: "doc", content: [...] }.
export type DocumentJSON = { type: string; content?: unknown[]; [key: string]: unknown };

export function renderDocument(node: PMNode, format: "json"): DocumentJSON;
export function renderDocument(node: PMNode, format: Exclude<DocumentFormat, "json">): string;
export function renderDocument(node: PMNode, format: DocumentFormat): string | DocumentJSON;
export function renderDocument(node: PMNode, format: DocumentFormat): string | DocumentJSON {
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
