// If-Match / If-None-Match on REST document edits (RFC 9110 §13.1): parsed here, checked by the
// Room object (src/rooms/document/etag.ts) so the comparison and the edit are one step.
import type { AppContext } from "../context.ts";
import { badRequest } from "../errors.ts";
import type { Precondition } from "../../rooms/document/etag.ts";

const MAX_ETAGS = 16;
/** A strong entity tag: quoted, visible ASCII but the quote (weak W/ tags never match an edit). */
const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7e]{0,128}"$/;

function listOf(header: string): string[] {
  const items = header
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length > MAX_ETAGS) throw badRequest(`At most ${MAX_ETAGS} entity tags in a precondition.`);
  return items;
}

/** The edit's precondition from its headers; null when it sent none (edits as before). */
export function readPrecondition(c: AppContext): Precondition | null {
  const ifMatch = c.req.header("if-match");
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifMatch !== undefined && ifNoneMatch !== undefined) throw badRequest("Send If-Match or If-None-Match, not both.");
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== "*") throw badRequest('If-None-Match on an edit takes only "*" (apply only to an empty document).');
    return { kind: "empty" };
  }
  if (ifMatch === undefined) return null;
  const items = listOf(ifMatch);
  if (items.length === 0) throw badRequest("If-Match is empty.");
  if (items.length === 1 && items[0] === "*") return { kind: "match", etags: ["*"] };
  for (const item of items) if (!ENTITY_TAG.test(item)) throw badRequest(`If-Match holds something that is not an entity tag: ${JSON.stringify(item.slice(0, 140))}.`);
  // Strong comparison: a weak tag never matches.
  return { kind: "match", etags: items.filter((item) => !item.startsWith("W/")) };
}

/** 412 with the document's current ETag, in the header and the error. */
export function preconditionFailed(c: AppContext, etag: string): Response {
  const message = "The document changed since your ETag (or is not empty); read it again.";
  return c.json({ error: { code: "precondition_failed", message, details: { etag } } }, 412, { etag });
}
