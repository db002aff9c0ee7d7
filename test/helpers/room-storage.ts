// A room object's storage in tests: what it holds, read as a reload would read it, and the
// stored fixture of a room written by earlier code.
import * as Y from "yjs";
import { DocumentStorage } from "../../src/rooms/storage.ts";
import { fromBase64 } from "../../src/shared/base64.ts";
import preAttributionRoom from "../rooms/fixtures/pre-attribution-room.json";

/** The text `name` of the document in the room's storage (compacted state and log). */
export function storedText(state: DurableObjectState, name = "t"): string {
  const stored = new DocumentStorage(state.storage).load();
  const doc = new Y.Doc();
  for (const update of [...(stored.state ? [stored.state] : []), ...stored.updates]) Y.applyUpdate(doc, update);
  return doc.getText(name).toString();
}

/**
 * Writes the rows a room stored before attribution and comments existed (its schema, state and
 * log: test/rooms/fixtures/pre-attribution-room.json), before the room object first starts.
 */
export function writePreAttributionRoom(sql: SqlStorage): void {
  const fixture = preAttributionRoom;
  for (const ddl of fixture.schema) sql.exec(ddl);
  for (const row of fixture.doc_state) sql.exec("INSERT INTO doc_state (part, data) VALUES (?, ?)", row.part, fromBase64(row.data));
  for (const row of fixture.doc_updates) sql.exec("INSERT INTO doc_updates (seq, part, data) VALUES (?, ?, ?)", row.seq, row.part, fromBase64(row.data));
}
