// Conditional REST edits: a document's ETag and the If-Match / If-None-Match check, done inside
// the Room object so that nothing runs between the comparison and the edit (PLATFORM.md lesson
// 16: server-side writes need a precondition, never a blind overwrite).
//
// The ETag hashes the document's version: its state vector (which insertions it holds) and its
// delete set, because a deletion alone does not move the state vector and an edit that only
// deleted text must still make older ETags stale.
import * as Y from "yjs";
import { toHex } from "../../shared/crypto.ts";
import { FRAGMENT_NAME } from "../../shared/editor/schema.ts";

/** What a REST edit asks of the current version; the route parses it from the headers. */
export type Precondition =
  /** If-Match: one of these ETags ("*": any version, i.e. always true for a room's document). */
  | { kind: "match"; etags: string[] }
  /** If-None-Match: * : only when the document has no content. */
  | { kind: "empty" };

export type PreconditionOutcome<T> = { ok: true; value: T; etag: string } | { ok: false; etag: string };

const MAX_HASH_ATTEMPTS = 5;

/**
 * The bytes an ETag hashes: state vector and delete set, deterministic for a given version.
 * Cheap next to an export: measured 3.6 ms for a 3.5 MB document typed by three clients
 * character by character (encodeStateAsUpdate of the same document: 78 ms).
 */
function versionOf(doc: Y.Doc): Uint8Array {
  return Y.encodeSnapshot(Y.snapshot(doc));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function etagOfVersion(version: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", version as Uint8Array<ArrayBuffer>);
  // A strong ETag, quoted; 128 bits of the hash are plenty to tell versions apart.
  return `"${toHex(digest).slice(0, 32)}"`;
}

/** The document's ETag now. */
export async function documentETag(doc: Y.Doc): Promise<string> {
  return etagOfVersion(versionOf(doc));
}

/** No content: no blocks, or only empty paragraphs (what an editor leaves in a blank document). */
export function isEmptyDocument(doc: Y.Doc): boolean {
  return doc
    .getXmlFragment(FRAGMENT_NAME)
    .toArray()
    .every((node) => node instanceof Y.XmlElement && node.nodeName === "paragraph" && node.length === 0);
}

function holds(doc: Y.Doc, etag: string, precondition: Precondition): boolean {
  if (precondition.kind === "empty") return isEmptyDocument(doc);
  return precondition.etags.some((expected) => expected === "*" || expected === etag);
}

/**
 * Runs `edit` only if `precondition` holds for the current version. Hashing is async, so the
 * version is re-read after it: if an editor's update landed meanwhile the hash is taken again.
 * From that re-check to the end of `edit` nothing awaits, so no update can slip in between.
 * Returns the ETag after the edit, or the current one when the precondition failed.
 */
export async function underPrecondition<T>(
  doc: Y.Doc,
  precondition: Precondition | null,
  edit: () => T,
): Promise<PreconditionOutcome<T>> {
  if (precondition) {
    for (let attempt = 1; ; attempt++) {
      const version = versionOf(doc);
      const etag = await etagOfVersion(version);
      const moved = !sameBytes(version, versionOf(doc));
      // A document that keeps moving under a flood of edits: whatever the caller read is stale.
      if (moved && attempt >= MAX_HASH_ATTEMPTS) return { ok: false, etag: await documentETag(doc) };
      if (moved) continue;
      if (!holds(doc, etag, precondition)) return { ok: false, etag };
      break;
    }
  }
  const value = edit();
  return { ok: true, value, etag: await documentETag(doc) };
}
