// Yjs keeps an update whose dependencies it has not seen as "pending" in memory, retries it
// on every later update and never emits it: a client can make a room hold any amount of
// memory that is neither stored nor counted against the document cap. The room therefore
// refuses such updates before applying them, and clears whatever Yjs still left pending.
import * as Y from "yjs";

/**
 * True when `update` refers to something neither the document nor the update itself holds:
 * structs that start after the document's clock for their client (a gap), an item whose
 * origin, right origin or parent is unknown, or a delete of unknown structs.
 */
export function hasMissingDependencies(doc: Y.Doc, update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  // The next clock known per client: the document's own, extended by the update's structs.
  const known = new Map<number, number>();
  const knownClock = (client: number) => known.get(client) ?? Y.getState(doc.store, client);
  for (const struct of structs) {
    if (struct instanceof Y.Skip) continue; // a hole the update itself declares
    const { client, clock } = struct.id;
    const next = knownClock(client);
    if (clock > next) return true;
    known.set(client, Math.max(next, clock + struct.length));
  }
  const isKnown = (id: Y.ID | null) => id === null || id.clock < knownClock(id.client);
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    if (!isKnown(struct.origin) || !isKnown(struct.rightOrigin)) return true;
    // Decoded items carry their parent as a root type's name or as the ID of the parent item.
    const parent = struct.parent as unknown;
    if (parent instanceof Y.ID && !isKnown(parent)) return true;
  }
  for (const [client, deletes] of ds.clients) {
    const next = knownClock(client);
    if (deletes.some((d) => d.clock + d.len > next)) return true;
  }
  return false;
}

/** Drops anything Yjs still holds as pending; returns whether there was something. */
export function clearPending(doc: Y.Doc): boolean {
  const store = doc.store;
  if (store.pendingStructs === null && store.pendingDs === null) return false;
  store.pendingStructs = null;
  store.pendingDs = null;
  return true;
}
