import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { editorSchema, FRAGMENT_NAME } from "../../src/shared/editor/schema.ts";
import {
  appendDocument,
  DocumentFormatError,
  parseContent,
  readDocument,
  renderDocument,
  replaceDocument,
  restoreFromState,
} from "../../src/rooms/document/convert.ts";

function docFrom(body: string, kind: "markdown" | "html" | "text" = "markdown"): Y.Doc {
  const doc = new Y.Doc();
  replaceDocument(doc, parseContent(body, kind));
  return doc;
}

// Two peers exchange everything they have, as a sync round would.
function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

function paragraphText(doc: Y.Doc, index: number): Y.XmlText {
  const element = doc.getXmlFragment(FRAGMENT_NAME).get(index) as Y.XmlElement;
  return element.get(0) as Y.XmlText;
}

const richMarkdown = [
  "# Title",
  "",
  "## Sub *heading*",
  "",
  "Some **bold**, *italic*, ~~struck~~ and `code` with a [link](https://example.com \"Example\").",
  "",
  "- one",
  "- two",
  "  - nested a",
  "  - nested b",
  "- three",
  "",
  "3. third",
  "4. fourth",
  "",
  "> quoted text",
  "",
  "```ts",
  "const x = 1 < 2;",
  "```",
  "",
  "---",
  "",
  "line one\\",
  "line two",
].join("\n");

describe("the shared editor schema", () => {
  it("builds inside workerd, where there is no DOM, with Tiptap's node and mark names", () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe("undefined");
    expect(Object.keys(editorSchema.nodes)).toEqual(
      expect.arrayContaining(["doc", "paragraph", "heading", "bulletList", "orderedList", "listItem", "taskList", "taskItem", "image", "blockquote", "codeBlock", "horizontalRule", "hardBreak", "text"]),
    );
    expect(Object.keys(editorSchema.marks)).toEqual(expect.arrayContaining(["bold", "italic", "strike", "code", "link", "underline"]));
    expect(FRAGMENT_NAME).toBe("default");
  });
});

describe("markdown", () => {
  it("round-trips headings, lists, nested lists, marks, links, code, quotes and rules", () => {
    const doc = docFrom(richMarkdown);
    const markdown = readDocument(doc, "markdown");
    expect(markdown).toBe(richMarkdown);
    expect(readDocument(docFrom(markdown), "json")).toEqual(readDocument(doc, "json"));
  });

  it("maps markdown to Tiptap's nodes and attributes", () => {
    const json = readDocument(docFrom(richMarkdown), "json");
    const types = (json.content as { type: string }[]).map((node) => node.type);
    expect(types).toEqual(["heading", "heading", "paragraph", "bulletList", "orderedList", "blockquote", "codeBlock", "horizontalRule", "paragraph"]);
    expect(json.content?.[0]).toMatchObject({ type: "heading", attrs: { level: 1 } });
    expect(json.content?.[4]).toMatchObject({ type: "orderedList", attrs: { start: 3 } });
    expect(json.content?.[6]).toMatchObject({ type: "codeBlock", attrs: { language: "ts" }, content: [{ text: "const x = 1 < 2;" }] });
    expect(JSON.stringify(json.content?.[2])).toContain('"href":"https://example.com"');
  });

  it("keeps raw HTML and javascript: links as inert text", () => {
    const json = JSON.stringify(readDocument(docFrom('<script>alert(1)</script>\n\n[x](javascript:alert(1))'), "json"));
    expect(json).toContain("<script>alert(1)</script>");
    expect(json).not.toContain('"type":"link"');
  });

  it("keeps lists nested ten deep and refuses absurd nesting with a format error", () => {
    const nested = Array.from({ length: 10 }, (_, depth) => `${"  ".repeat(depth)}- level ${depth}`).join("\n");
    expect(readDocument(docFrom(nested), "markdown")).toBe(nested);
    expect(() => parseContent(">".repeat(5000) + " deep", "markdown")).toThrow(DocumentFormatError);
    expect(() => parseContent("- ".repeat(5000) + "x", "markdown")).toThrow(DocumentFormatError);
    expect(() => parseContent("*".repeat(5000) + "x" + "*".repeat(5000), "markdown")).toThrow(DocumentFormatError);
  });

  it("round-trips task lists, nested and checked, as GitHub writes them", () => {
    const tasks = "- [ ] write the plan\n- [x] book the room\n  - [X] nested done\n  - [ ] nested open\n\nafter";
    const json = readDocument(docFrom(tasks), "json");
    expect(json.content?.[0]).toMatchObject({
      type: "taskList",
      content: [
        { type: "taskItem", attrs: { checked: false }, content: [{ type: "paragraph", content: [{ text: "write the plan" }] }] },
        { type: "taskItem", attrs: { checked: true }, content: [{ type: "paragraph" }, { type: "taskList", content: [{ attrs: { checked: true } }, { attrs: { checked: false } }] }] },
      ],
    });
    expect(readDocument(docFrom(tasks), "markdown")).toBe(tasks.replace("[X]", "[x]"));
  });

  it("keeps brackets as text in a list that is not all tasks, and when escaped", () => {
    const mixed = readDocument(docFrom("- [ ] a task\n- not a task"), "json");
    expect(mixed.content?.[0]).toMatchObject({ type: "bulletList", content: [{ content: [{ content: [{ text: "[ ] a task" }] }] }, {}] });
    const escaped = readDocument(docFrom("- \\[ ] literal"), "json");
    expect(escaped.content?.[0]).toMatchObject({ type: "bulletList", content: [{ content: [{ content: [{ text: "[ ] literal" }] }] }] });
    // A task whose text starts with a mark keeps the mark.
    const marked = readDocument(docFrom("- [x] **done**"), "json");
    expect(marked.content?.[0]).toMatchObject({ type: "taskList", content: [{ attrs: { checked: true }, content: [{ content: [{ text: "done", marks: [{ type: "bold" }] }] }] }] });
  });

  it("round-trips images with their alt text and title, and keeps only safe sources", () => {
    const images = '![A cat](https://files.example/cat.png "Tabby") and ![](/api/files/abc)';
    const json = readDocument(docFrom(images), "json");
    expect(json.content?.[0]).toMatchObject({
      type: "paragraph",
      content: [
        { type: "image", attrs: { src: "https://files.example/cat.png", alt: "A cat", title: "Tabby" } },
        { type: "text", text: " and " },
        { type: "image", attrs: { src: "/api/files/abc", alt: null } },
      ],
    });
    expect(readDocument(docFrom(images), "markdown")).toBe(images);
    // markdown-it refuses these sources, so they stay literal text; no image node is made.
    for (const bad of ["![x](javascript:alert(1))", "![x](data:image/png;base64,AAAA)"]) {
      expect(JSON.stringify(readDocument(docFrom(bad), "json"))).not.toContain('"type":"image"');
    }
  });

  it("joins soft line breaks into one line, as CommonMark renders them", () => {
    expect(readDocument(docFrom("> quoted\n> text\n\nsoft\nbreak"), "markdown")).toBe("> quoted text\n\nsoft break");
  });
});

describe("HTML", () => {
  it("drops scripts and event-handler attributes and unwraps unknown tags", () => {
    const node = parseContent(
      '<p>Hi <b>there</b><script>alert(1)</script></p><img src=x onerror="alert(1)"><custom-tag><p onclick="x()">inside <span style="color:red">span</span></p></custom-tag><style>p{}</style><a href="javascript:alert(1)">bad</a>',
      "html",
    );
    const html = renderDocument(node, "html");
    // The <img> keeps its (relative) source and nothing else: no onerror.
    expect(html).toBe('<p>Hi <strong>there</strong></p><p><img src="x" loading="lazy"></p><p>inside span</p><p>bad</p>');
  });

  it("answers absurdly nested HTML with a document or a format error, never a crash", () => {
    for (const body of ["<div>".repeat(10_000) + "x", "<blockquote>".repeat(10_000) + "x", "<b><i>".repeat(10_000) + "x"]) {
      try {
        expect(renderDocument(parseContent(body, "html"), "text")).toContain("x");
      } catch (error) {
        expect(error).toBeInstanceOf(DocumentFormatError);
      }
    }
  });

  it("reads inline styles the way the editor does", () => {
    const node = parseContent('<p><span style="font-weight:bold">b</span> <span style="font-style: italic">i</span> <u>u</u> <s>s</s></p>', "html");
    expect(renderDocument(node, "html")).toBe("<p><strong>b</strong> <em>i</em> <u>u</u> <s>s</s></p>");
  });

  it("parses headings, lists, code blocks with a language, links and line breaks", () => {
    const node = parseContent(
      '<h2>T</h2><ul><li>a<ul><li>b</li></ul></li></ul><pre><code class="language-js">x &lt; y</code></pre><p><a href="https://a.example/?q=1&amp;r=2">l</a><br>n</p>',
      "html",
    );
    expect(renderDocument(node, "markdown")).toBe("## T\n\n- a\n  - b\n\n```js\nx < y\n```\n\n[l](https://a.example/?q=1&r=2)\\\nn");
  });

  it("renders with text and attributes escaped", () => {
    const doc = docFrom('Tom & "Jerry" <b>not bold</b> [x](https://e.example/?a="b"&c=<d>)');
    const html = readDocument(doc, "html");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&amp;");
    expect(html).toContain("&lt;b&gt;not bold&lt;/b&gt;");
    expect(html).not.toMatch(/href="[^"]*"[^ >]*"/);
    // Whatever we render parses back to the same document.
    expect(renderDocument(parseContent(html, "html"), "json")).toEqual(readDocument(doc, "json"));
  });

  it("renders task lists as Tiptap's markup and reads them back", () => {
    const doc = docFrom("- [x] done\n- [ ] open");
    const html = readDocument(doc, "html");
    expect(html).toBe(
      '<ul data-type="taskList">' +
        '<li data-type="taskItem" data-checked="true"><label><input checked="checked" type="checkbox"><span></span></label><div><p>done</p></div></li>' +
        '<li data-type="taskItem" data-checked="false"><label><input type="checkbox"><span></span></label><div><p>open</p></div></li>' +
        "</ul>",
    );
    expect(renderDocument(parseContent(html, "html"), "json")).toEqual(readDocument(doc, "json"));
    expect(readDocument(doc, "text")).toBe("done\nopen");
  });

  it("renders images with their size and reads them back; unsafe sources never leave or enter", () => {
    const node = parseContent('<p><img src="https://files.example/a.png" alt="Chart" width="640" height="480" onerror="alert(1)"></p>', "html");
    const html = renderDocument(node, "html");
    expect(html).toBe('<p><img height="480" width="640" alt="Chart" src="https://files.example/a.png" loading="lazy"></p>');
    expect(renderDocument(parseContent(html, "html"), "json")).toEqual(renderDocument(node, "json"));
    expect(renderDocument(node, "markdown")).toBe("![Chart](https://files.example/a.png)");
    // An image stored over Yjs with a script or data source is dropped from every export...
    const stored = editorSchema.nodeFromJSON({
      type: "doc",
      content: [{ type: "paragraph", content: [{ type: "text", text: "x" }, { type: "image", attrs: { src: "javascript:alert(1)" } }, { type: "image", attrs: { src: "/api/files/ok" } }] }],
    });
    expect(renderDocument(stored, "html")).toBe('<p>x<img src="/api/files/ok" loading="lazy"></p>');
    // ...and a JSON import naming one is refused, like an unsafe link.
    expect(() => parseContent(JSON.stringify(stored.toJSON()), "json")).toThrow(DocumentFormatError);
    expect(() => parseContent('<p><img src="data:image/png;base64,AAAA"></p>', "html")).not.toThrow();
    expect(renderDocument(parseContent('<p><img src="data:image/png;base64,AAAA"></p>', "html"), "html")).toBe("<p></p>");
  });

  it("renders Tiptap's markup for each node", () => {
    const html = readDocument(docFrom("# H\n\n> q\n\n1. a\n\n```py\np\n```\n\n---"), "html");
    expect(html).toBe('<h1>H</h1><blockquote><p>q</p></blockquote><ol><li><p>a</p></li></ol><pre><code class="language-py">p</code></pre><hr>');
  });
});

describe("plain text", () => {
  it("splits paragraphs on blank lines and keeps single newlines as line breaks", () => {
    const doc = docFrom("first para\nsecond line\r\n\r\n  \nnext <para> & more\n\n\n", "text");
    const json = readDocument(doc, "json");
    expect(json.content).toHaveLength(2);
    expect(JSON.stringify(json.content?.[0])).toContain('"type":"hardBreak"');
    expect(readDocument(doc, "text")).toBe("first para\nsecond line\n\nnext <para> & more");
  });

  it("reads rich documents as their block texts", () => {
    expect(readDocument(docFrom("# T\n\n- a\n- b\n\npara **bold**"), "text")).toBe("T\n\na\nb\n\npara bold");
  });

  it("turns empty text into one empty paragraph", () => {
    expect(readDocument(docFrom("", "text"), "json")).toEqual({ type: "doc", content: [{ type: "paragraph" }] });
  });
});

describe("parse errors", () => {
  it("become DocumentFormatError", () => {
    expect(() => parseContent("{not json", "json")).toThrow(DocumentFormatError);
    expect(() => parseContent('{"type":"paragraph"}', "json")).toThrow(DocumentFormatError);
    expect(() => parseContent('{"type":"doc","content":[{"type":"nope"}]}', "json")).toThrow(DocumentFormatError);
    expect(() => restoreFromState(new Y.Doc(), new Uint8Array([255, 255, 255, 1, 2, 3]))).toThrow(DocumentFormatError);
  });
});

describe("writing into the Yjs document", () => {
  it("produces the fragment layout Tiptap's Collaboration uses", () => {
    const doc = docFrom("## Head\n\nplain **bold**");
    const fragment = doc.getXmlFragment(FRAGMENT_NAME);
    const [heading, paragraph] = fragment.toArray() as Y.XmlElement[];
    expect(heading!.nodeName).toBe("heading");
    expect(heading!.getAttribute("level")).toBe(2);
    expect(paragraph!.nodeName).toBe("paragraph");
    const text = paragraph!.get(0) as Y.XmlText;
    expect(text).toBeInstanceOf(Y.XmlText);
    expect(text.toDelta()).toEqual([{ insert: "plain " }, { insert: "bold", attributes: { bold: {} } }]);
  });

  it("replace keeps a collaborator's concurrent edit in an untouched paragraph", () => {
    const server = docFrom("first\n\nsecond\n\nthird");
    const client = new Y.Doc();
    sync(server, client);
    const secondBefore = paragraphText(server, 1);

    // The client types while the server replaces the first paragraph, neither seeing the other.
    paragraphText(client, 1).insert(6, " (typed)");
    let transactions = 0;
    server.on("afterTransaction", () => transactions++);
    replaceDocument(server, parseContent("FIRST changed\n\nsecond\n\nthird", "markdown"));
    expect(transactions).toBe(1);
    expect(paragraphText(server, 1)).toBe(secondBefore);

    sync(server, client);
    expect(readDocument(server, "text")).toBe("FIRST changed\n\nsecond (typed)\n\nthird");
    expect(readDocument(client, "text")).toBe(readDocument(server, "text"));
  });

  it("append adds blocks at the end in one transaction", () => {
    const doc = docFrom("one");
    const peer = new Y.Doc();
    sync(doc, peer);
    let transactions = 0;
    doc.on("afterTransaction", () => transactions++);
    appendDocument(doc, parseContent("## two\n\nthree", "markdown"));
    expect(transactions).toBe(1);
    sync(doc, peer);
    expect(readDocument(peer, "markdown")).toBe("one\n\n## two\n\nthree");
  });

  it("append into a fresh editor's empty paragraph does not leave a blank line", () => {
    const doc = new Y.Doc();
    const paragraph = new Y.XmlElement("paragraph");
    doc.getXmlFragment(FRAGMENT_NAME).insert(0, [paragraph]);
    appendDocument(doc, parseContent("hello", "text"));
    expect(readDocument(doc, "json")).toEqual({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "hello" }] }] });
  });

  it("restore from an old state is a new edit that peers merge", () => {
    const doc = docFrom("# Version one\n\nbody");
    const peer = new Y.Doc();
    sync(doc, peer);
    const saved = Y.encodeStateAsUpdate(doc);

    replaceDocument(doc, parseContent("# Version two\n\nother body\n\n- added", "markdown"));
    sync(doc, peer);
    expect(readDocument(peer, "text")).toContain("Version two");

    const before = Y.encodeStateVector(doc);
    restoreFromState(doc, saved);
    expect(readDocument(doc, "markdown")).toBe("# Version one\n\nbody");
    // Only the delta since `before` reaches the peer: the restore is an edit, not a reload.
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc, before));
    expect(readDocument(peer, "markdown")).toBe("# Version one\n\nbody");
  });
});
