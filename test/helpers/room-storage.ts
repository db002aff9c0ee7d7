// What a room object's storage holds, read as a reload would read it.
import * as Y from "yjs";
import { DocumentStorage } from "../../src/rooms/storage.ts";

/** The text `name` of the document in the room's storage (compacted state and log). */
export function storedText(state: DurableObjectState, name = "t"): string {
  const stored = new DocumentStorage(state.storage).load();
  const doc = new Y.Doc();
  for (const update of [...(stored.state ? [stored.state] : []), ...stored.updates]) Y.applyUpdate(doc, update);
  return doc.getText(name).toString();
}
