// The notices a room sends (shapes in src/shared/room-protocol.ts). They go only to connections
// that opted in with `hello`: the stock y-websocket client cannot parse text frames.
import type { AccessNotice, ConnectionRole, DocumentSizeNotice, RoomNotice } from "../shared/room-protocol.ts";
import { DOCUMENT_WARNING_RATIO } from "./limits.ts";

export function accessNotice(role: ConnectionRole): AccessNotice {
  return { type: "access", role, readOnly: role !== "editor" };
}

/** The size warning, or null while the document is below DOCUMENT_WARNING_RATIO of its cap. */
export function documentSizeNotice(storedBytes: number, maxDocumentBytes: number): DocumentSizeNotice | null {
  if (storedBytes < maxDocumentBytes * DOCUMENT_WARNING_RATIO) return null;
  return { type: "document-size", bytes: storedBytes, limit: maxDocumentBytes };
}

export function encodeNotice(notice: RoomNotice): string {
  return JSON.stringify(notice);
}
