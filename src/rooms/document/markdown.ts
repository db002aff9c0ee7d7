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

// CommonMark only (plus ~~strike~~): every token it makes has a mapping below. Raw HTML stays text.
const tokenizer = MarkdownIt("commonmark", { html: false }).enable("strikethrough");
// Not in @types/markdown-it's Options, but read by both of markdown-it's parsers.
Object.assign(tokenizer.options, { maxNesting: MAX_NESTING });
// A link or image to anything but http(s), mailto or a relative URL stays literal text (one hook
// checks both; an image from mailto: passes it and is refused by parseContent, as JSON is).
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

// GitHub's task lists: a bullet list whose every item starts "[ ] " or "[x] " becomes a task
// list (the schema's taskList holds only taskItems, so a mixed list stays a bullet list with
// the brackets as text). Runs after inline parsing, so an escaped "\[ ]" never matches.
const TASK_PREFIX = /^\[([ xX])\] /;
tokenizer.core.ruler.push("task_lists", (state) => {
  const tokens = state.tokens;
  for (let open = 0; open < tokens.length; open++) {
    if (tokens[open]!.type !== "bullet_list_open") continue;
    const level = tokens[open]!.level;
    const close = tokens.findIndex((token, i) => i > open && token.type === "bullet_list_close" && token.level === level);
    // Each item's first child is a paragraph whose inline token is the item's first line.
    const items = tokens.slice(open, close).flatMap((token, i) => (token.type === "list_item_open" && token.level === level + 1 ? [open + i] : []));
    const firstLine = (item: number) => (tokens[item + 1]?.type === "paragraph_open" ? tokens[item + 2] : undefined);
    if (!items.every((item) => TASK_PREFIX.test(firstLine(item)?.content ?? ""))) continue;
    tokens[open]!.type = "task_list_open";
    tokens[close]!.type = "task_list_close";
    for (const item of items) {
      const inline = firstLine(item)!;
      tokens[item]!.type = "task_item_open";
      tokens[item]!.attrSet("checked", String(TASK_PREFIX.exec(inline.content)![1] !== " "));
      // The matching close is the next list_item_close at the item's level.
      const end = tokens.findIndex((token, i) => i > item && token.type === "list_item_close" && token.level === tokens[item]!.level);
      tokens[end]!.type = "task_item_close";
      inline.content = inline.content.replace(TASK_PREFIX, "");
      const text = inline.children?.[0];
      if (text?.type === "text") text.content = text.content.replace(TASK_PREFIX, "");
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
  task_list: { block: "taskList" },
  task_item: { block: "taskItem", getAttrs: (token) => ({ checked: token.attrGet("checked") === "true" }) },
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
  image: {
    node: "image",
    getAttrs: (token) => ({ src: token.attrGet("src"), title: token.attrGet("title") || null, alt: token.children?.[0]?.content || null }),
  },
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
    image: base.nodes.image!,
    // A file card is a link in Markdown, `[name](href)`; imports read it back as a link.
    fileCard: (state, node) => {
      const href = String(node.attrs.href ?? "").replace(/[()"\s]/g, (c) => encodeURIComponent(c));
      state.write(`[${state.esc(String(node.attrs.name ?? "file"))}](${href})`);
    },
    text: base.nodes.text!,
    mention: (state, node) => state.write(state.esc(`@${node.attrs.label ?? node.attrs.id}`)),
    bulletList: (state, node) => state.renderList(node, "  ", () => "- "),
    orderedList: (state, node) => {
      // Tiptap calls the first number `start`; the base serializer reads `order`.
      const start = Number(node.attrs.start) || 1;
      const width = String(start + node.childCount - 1).length;
      state.renderList(node, " ".repeat(width + 2), (i) => `${String(start + i).padStart(width)}. `);
    },
    listItem: base.nodes.list_item!,
    taskList: (state, node) => state.renderList(node, "  ", () => "- "),
    taskItem: (state, node) => {
      state.write(node.attrs.checked ? "[x] " : "[ ] ");
      state.renderContent(node);
    },
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
