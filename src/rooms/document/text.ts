// Plain text <-> ProseMirror: blank lines separate paragraphs, single newlines are hard breaks.
import type { Node as PMNode } from "@tiptap/pm/model";
import { fileCardLabel } from "../../shared/editor/file-card.ts";
import { editorSchema } from "../../shared/editor/schema.ts";

const paragraph = editorSchema.nodes.paragraph!;
const hardBreak = editorSchema.nodes.hardBreak!;

function lineNodes(block: string): PMNode[] {
  const lines = block.split("\n");
  // Only the first and last block can start or end with a lone newline (from the body's ends).
  while (lines[0] === "") lines.shift();
  while (lines.at(-1) === "") lines.pop();
  return lines.flatMap((line, i) => {
    const text = line === "" ? [] : [editorSchema.text(line)];
    return i === 0 ? text : [hardBreak.create(), ...text];
  });
}

export function parseText(body: string): PMNode {
  // Linear-time patterns only ([ \t] and \n never overlap, so nothing backtracks far).
  const blocks = body.replace(/\r\n?/g, "\n").split(/\n(?:[ \t]*\n)+/);
  const paragraphs = blocks
    .filter((block) => block.trim() !== "")
    .map((block) => paragraph.create(null, lineNodes(block)));
  return editorSchema.topNodeType.create(null, paragraphs.length ? paragraphs : [paragraph.create()]);
}

function blockText(node: PMNode): string {
  if (node.isTextblock) {
    let text = "";
    node.forEach((child) => {
      text += child.isText
        ? child.text
        : child.type === hardBreak
          ? "\n"
          : child.type.name === "fileCard"
            ? fileCardLabel(child.attrs)
            : child.type.name === "mention"
              ? `@${child.attrs.label ?? child.attrs.id}`
              : "";
    });
    return text;
  }
  const parts: string[] = [];
  node.forEach((child) => {
    const text = blockText(child);
    if (text !== "") parts.push(text);
  });
  return parts.join("\n");
}

// Top-level blocks are separated by a blank line, blocks nested in lists and quotes by a newline.
export function renderText(doc: PMNode): string {
  const parts: string[] = [];
  doc.forEach((block) => {
    const text = blockText(block);
    if (text.trim() !== "") parts.push(text);
  });
  return parts.join("\n\n");
}
