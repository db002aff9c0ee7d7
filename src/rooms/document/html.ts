// HTML <-> ProseMirror without a browser: workerd has no `document`, so linkedom's worker build
// (a DOM over htmlparser2, no canvas shim, no script execution) stands in for it.
import { DOMParser, DOMSerializer, type Node as PMNode } from "@tiptap/pm/model";
import { parseHTML } from "linkedom/worker";
import { editorSchema } from "../../shared/editor/schema.ts";

const { Element } = parseHTML("<!doctype html><html></html>");
const getAttribute = Element.prototype.getAttribute;
// linkedom answers getAttribute("class") with "" when there is no class (a browser says null),
// which would give every parsed link `class: ""`. Only this module uses linkedom.
Element.prototype.getAttribute = function (this: typeof Element.prototype, name: string) {
  return name === "class" && !this.hasAttribute("class") ? null : getAttribute.call(this, name);
};

const domParser = DOMParser.fromSchema(editorSchema);
const domSerializer = DOMSerializer.fromSchema(editorSchema);

function emptyDocument() {
  return parseHTML("<!doctype html><html><head></head><body></body></html>").document;
}

// Only what the schema's parse rules match survives: <script>/<style> are skipped by
// ProseMirror, unknown tags are unwrapped to their content, attributes not in the schema
// (onerror, onclick, ...) are never copied, and links keep only safe targets (safe-href.ts).
export function parseHtml(body: string): PMNode {
  const container = emptyDocument().createElement("div");
  container.innerHTML = body;
  return domParser.parse(container as unknown as Parameters<typeof domParser.parse>[0]);
}

// linkedom escapes text and attribute values when it serializes, so user text can't become markup.
export function renderHtml(doc: PMNode): string {
  const document = emptyDocument();
  const fragment = domSerializer.serializeFragment(doc.content, {
    document: document as unknown as NonNullable<Parameters<typeof domSerializer.serializeFragment>[1]>["document"],
  });
  const container = document.createElement("div");
  container.appendChild(fragment as never);
  return container.innerHTML;
}
