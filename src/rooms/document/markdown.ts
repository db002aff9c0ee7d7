// Markdown <-> ProseMirror for the editor schema. prosemirror-markdown ships both directions
// for ProseMirror's example schema (snake_case names); here they are mapped to Tiptap's names.
import type { Node as PMNode } from "@tiptap/pm/model";
import MarkdownIt from "markdown-it";
import { defaultMarkdownSerializer, MarkdownParser, MarkdownSerializer } from "prosemirror-markdown";
import { isSafeHref } from "../../shared/editor/safe-href.ts";
import { editorSchema } from "../../shared/editor/schema.ts";
import { DocumentFormatError } from "./errors.ts";

// Deeper nesting is refused rather than recursed into (markdown-it would silently drop the rest).
const MAX_NESTING = 100;

// CommonMark only (plus ~~strike~~): every token it makes has a mapping below. Raw HTML stays
// text; images become "!" + a link, since the editor has no image node (the URL survives).
const tokenizer = MarkdownIt("commonmark", { html: false }).enable("strikethrough").disable("image");
// Not in @types/markdown-it's Options, but read by both of markdown-it's parsers.
Object.assign(tokenizer.options, { maxNesting: MAX_NESTING });
// A link to anything but http(s), mailto or a relative URL stays literal text.
tokenizer.validateLink = isSafeHref;

// markdown-it stops at maxNesting and drops everything after; say so instead.
tokenizer.core.ruler.push("refuse_deep_nesting", (state) => {
  // Block and inline nesting are counted (and cut) separately.
  const tooDeep = (token: { level: number }) => token.level >= MAX_NESTING - 1;
  for (const token of state.tokens) {
    if (tooDeep(token) || token.children?.some(tooDeep)) {
      throw new DocumentFormatError(`Markdown nested deeper than ${MAX_NESTING} levels.`);
    }
  }
  return true;
});

const parser = new MarkdownParser(editorSchema, tokenizer, {
  paragraph: { block: "paragraph" },
  heading: { block: "heading", getAttrs: (token) => ({ level: Number(token.tag.slice(1)) }) },
  blockquote: { block: "blockquote" },
  bullet_list: { block: "bulletList" },
  ordered_list: { block: "orderedList", getAttrs: (token) => ({ start: Number(token.attrGet("start") ?? 1) || 1 }) },
  list_item: { block: "listItem" },
  code_block: { block: "codeBlock", noCloseToken: true },
  fence: {
    block: "codeBlock",
    noCloseToken: true,
    getAttrs: (token) => ({ language: token.info.trim().split(/\s/, 1)[0] || null }),
  },
  hr: { node: "horizontalRule" },
  hardbreak: { node: "hardBreak" },
  em: { mark: "italic" },
  strong: { mark: "bold" },
  s: { mark: "strike" },
  code_inline: { mark: "code", noCloseToken: true },
  link: { mark: "link", getAttrs: (token) => ({ href: token.attrGet("href"), title: token.attrGet("title") || null }) },
});

export function parseMarkdown(body: string): PMNode {
  return parser.parse(body);
}

const base = defaultMarkdownSerializer;

const serializer = new MarkdownSerializer(
  {
    doc: (state, node) => state.renderContent(node),
    paragraph: base.nodes.paragraph!,
    heading: base.nodes.heading!,
    blockquote: base.nodes.blockquote!,
    horizontalRule: base.nodes.horizontal_rule!,
    hardBreak: base.nodes.hard_break!,
    text: base.nodes.text!,
    bulletList: (state, node) => state.renderList(node, "  ", () => "- "),
    orderedList: (state, node) => {
      // Tiptap calls the first number `start`; the base serializer reads `order`.
      const start = Number(node.attrs.start) || 1;
      const width = String(start + node.childCount - 1).length;
      state.renderList(node, " ".repeat(width + 2), (i) => `${String(start + i).padStart(width)}. `);
    },
    listItem: base.nodes.list_item!,
    codeBlock: (state, node) => {
      // A fence longer than any backtick run inside, so code containing ``` stays code.
      const runs = node.textContent.match(/`{3,}/g) ?? [];
      const fence = "`".repeat(Math.max(3, ...runs.map((run) => run.length + 1)));
      // An info string cannot hold backticks or spaces; a language that does is dropped.
      const language = /^[^\s`]+$/.test(node.attrs.language ?? "") ? node.attrs.language : "";
      state.write(`${fence}${language}\n`);
      state.text(node.textContent, false);
      state.ensureNewLine();
      state.write(fence);
      state.closeBlock(node);
    },
  },
  {
    bold: base.marks.strong!,
    italic: base.marks.em!,
    code: base.marks.code!,
    link: base.marks.link!,
    strike: { open: "~~", close: "~~", mixable: true, expelEnclosingWhitespace: true },
    // CommonMark has no underline; the text is kept, the underline is not.
    underline: { open: "", close: "" },
  },
  { hardBreakNodeName: "hardBreak" },
);

export function serializeMarkdown(doc: PMNode): string {
  return serializer.serialize(doc, { tightLists: true });
}
