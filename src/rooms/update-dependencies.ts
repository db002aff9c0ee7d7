// Yjs keeps an update whose dependencies it has not seen as "pending" in memory, retries it
// on every later update and never emits it: a client can make a room hold any amount of
// memory that is neither stored nor counted against the document cap. The room therefore
// drops whatever Yjs left pending right after each apply, and asks the sender to resync.
import * as Y from "yjs";

/** Drops anything Yjs still holds as pending; returns whether there was something. */
export function clearPending(doc: Y.Doc): boolean {
  const store = doc.store;
  if (store.pendingStructs === null && store.pendingDs === null) return false;
  store.pendingStructs = null;
  store.pendingDs = null;
  return true;
}
