// Whether a document holds an update: every struct it carries and every delete it makes.
// Shared by the crash parts (crash.ts, crash-flood.ts).
import * as Y from "yjs";

/** A document's state vector and deletions, computed once for many checks. */
export type Holder = { stateVector: Uint8Array; deletes: Y.Snapshot["ds"] };

export function holder(doc: Y.Doc): Holder {
  return { stateVector: Y.encodeStateVector(doc), deletes: Y.snapshot(doc).ds };
}

export function contains({ stateVector, deletes }: Holder, update: Uint8Array): boolean {
  const missing = Y.decodeUpdate(Y.diffUpdate(update, stateVector)).structs.filter((s) => s.constructor.name !== "Skip");
  if (missing.length > 0) return false;
  for (const [client, ranges] of Y.decodeUpdate(update).ds.clients) {
    for (const { clock, len } of ranges) {
      for (let c = clock; c < clock + len; c++) if (!Y.isDeleted(deletes, new Y.ID(client, c))) return false;
    }
  }
  return true;
}
