// File cards in the shared schema: what each export writes and what each import reads back.
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { DocumentFormatError, parseContent, readDocument, renderDocument, replaceDocument } from "../../src/rooms/document/convert.ts";
import { fileSizeLabel } from "../../src/shared/editor/file-card.ts";

const card = { type: "fileCard", attrs: { href: "/api/files/abc", name: "Budget (final).xlsx", size: 2_500_000 } };
const json = JSON.stringify({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "See " }, card] }] });

/** The first paragraph's inline content, from the JSON export. */
const inline = (doc: Y.Doc): unknown[] => (readDocument(doc, "json").content?.[0] as { content?: unknown[] } | undefined)?.content ?? [];

function docFrom(body: string, kind: "json" | "html" | "markdown"): Y.Doc {
  const doc = new Y.Doc();
  replaceDocument(doc, parseContent(body, kind));
  return doc;
}

describe("file cards", () => {
  it("keep name, size and link through the Yjs document and JSON", () => {
    expect(inline(docFrom(json, "json"))[1]).toEqual(card);
  });

  it("export to HTML as a marked link that the HTML import turns back into the same card", () => {
    const html = readDocument(docFrom(json, "json"), "html");
    expect(html).toBe('<p>See <a download="Budget (final).xlsx" href="/api/files/abc" data-file-card="" data-size="2500000" data-name="Budget (final).xlsx">Budget (final).xlsx (2.4 MiB)</a></p>');
    expect(inline(docFrom(html, "html"))[1]).toEqual(card);
  });

  it("export to Markdown as a link [name](url) and to text as name and size", () => {
    const doc = docFrom(json, "json");
    expect(readDocument(doc, "markdown")).toBe("See [Budget (final).xlsx](/api/files/abc)");
    expect(readDocument(doc, "text")).toBe("See Budget (final).xlsx (2.4 MiB)");
    // Markdown has no cards: the link comes back as a link.
    expect(inline(docFrom(readDocument(doc, "markdown"), "markdown"))[1]).toMatchObject({
      type: "text",
      marks: [{ type: "link", attrs: { href: "/api/files/abc" } }],
    });
  });

  it("never keep an unsafe link: HTML keeps the words, JSON is refused", () => {
    const html = renderDocument(parseContent('<p><a data-file-card data-name="x" href="javascript:alert(1)">x</a></p>', "html"), "html");
    expect(html).toBe("<p>x</p>");
    const bad = json.replace("/api/files/abc", "javascript:alert(1)");
    expect(() => parseContent(bad, "json")).toThrow(DocumentFormatError);
    // A size that is not a byte count is dropped, not rendered.
    expect(inline(docFrom('<p><a data-file-card data-size="-3" href="/api/files/x">x</a></p>', "html"))[0]).toMatchObject({ attrs: { size: null, name: "x" } });
  });

  it("show sizes as people read them", () => {
    expect([0, 1023, 1024, 10 * 1024 * 1024 + 1, 5 * 1024 ** 4].map(fileSizeLabel)).toEqual(["0 B", "1023 B", "1.0 KiB", "10 MiB", "5.0 TiB"]);
  });
});
