// A document as search sees it: its top-level blocks, each with the path of headings above it
// (so a hit can say where it is and point at the block), keyed by a hash of what it says.
import type { Node as PMNode } from "@tiptap/pm/model";
import { toHex } from "../../shared/crypto.ts";

export type Block = {
  /** Hash of heading path and text, with its occurrence: unchanged blocks keep their key. */
  key: string;
  /** The headings above the block, "Plan › Budget". */
  headingPath: string;
  text: string;
  /** Index among the document's top-level blocks. */
  position: number;
};

/** Longer blocks are indexed up to here (a giant pasted paragraph should not own the index). */
export const MAX_BLOCK_CHARS = 16 * 1024;
const PATH_SEPARATOR = " › ";

/** Control characters are removed: two of them mark highlights in snippets (snippet.ts). */
export function searchableText(text: string, max = MAX_BLOCK_CHARS): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, " ").slice(0, max);
}

async function hashOf(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).slice(0, 24);
}

export async function documentBlocks(doc: PMNode): Promise<Block[]> {
  const headings: string[] = [];
  const blocks: Omit<Block, "key">[] = [];
  doc.forEach((node, _offset, position) => {
    const text = searchableText(node.textBetween(0, node.content.size, "\n", "\n").trim());
    if (node.type.name === "heading") {
      const level = Math.max(1, Number(node.attrs.level) || 1);
      headings.length = Math.min(headings.length, level - 1);
      if (text) blocks.push({ headingPath: headings.filter(Boolean).join(PATH_SEPARATOR), text, position });
      if (text) headings[level - 1] = text;
      return;
    }
    if (text) blocks.push({ headingPath: headings.filter(Boolean).join(PATH_SEPARATOR), text, position });
  });
  const seen = new Map<string, number>();
  return Promise.all(
    blocks.map(async (block) => {
      const hash = await hashOf(`${block.headingPath}\n${block.text}`);
      const occurrence = seen.get(hash) ?? 0;
      seen.set(hash, occurrence + 1);
      return { ...block, key: `${hash}.${occurrence}` };
    }),
  );
}
