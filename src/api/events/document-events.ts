// document.updated: recorded by the search index job (debounced, at most one per room every few
// seconds: src/core/search-events.ts), with who edited since the last one and how many blocks
// (paragraphs, headings, list items) were added, removed or moved.
import type { Env } from "../../env.ts";
import { recordEvent } from "../../core/events.ts";
import { roomStub } from "../../rooms/stub.ts";
import type { BlockChanges } from "../search/entries.ts";

export async function recordDocumentUpdated(env: Env, roomId: string, blocks: BlockChanges): Promise<void> {
  const authors = await roomStub(env, roomId).takeEditors();
  const changed = blocks.inserted + blocks.deleted + blocks.moved > 0;
  if (!changed && authors.length === 0) return; // a re-index with nothing new to say
  await recordEvent(env, { roomId, type: "document.updated", actor: authors.length === 1 ? authors[0]! : null, data: { authors, blocks } });
}
