// The binary y-websocket frame format, both ways. Incoming frames are classified before
// anything touches the document, so a malformed or hostile frame can close its own connection
// without side effects; outgoing ones are built here too.
//   [0, 0, stateVector]  sync step 1      [0, 1|2, update]  sync step 2 / update
//   [1, awarenessUpdate]  awareness        anything else: unknown (ignored by the server)
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as string from "lib0/string";
import { type Awareness, encodeAwarenessUpdate } from "y-protocols/awareness";
import { messageYjsSyncStep2, writeSyncStep1, writeUpdate } from "y-protocols/sync";
import * as Y from "yjs";

/** One client's entry in an awareness update; `state` is its JSON text ("null": gone). */
export type AwarenessEntry = { clientId: number; clock: number; state: string };
/** As received: also the state parsed once (`value`) and its size in bytes. */
export type ReceivedAwarenessEntry = AwarenessEntry & { value: unknown; bytes: number };

export type Frame =
  | { kind: "sync-step-1"; stateVector: Uint8Array; knowsNothing: boolean }
  | { kind: "update"; update: Uint8Array }
  | { kind: "awareness"; entries: ReceivedAwarenessEntry[] }
  | { kind: "other" }
  | { kind: "malformed"; reason: string };

/** y-websocket's outer message types. */
const SYNC = 0;
const AWARENESS = 1;

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** [0, 2, update]: a document update for peers. */
export function syncUpdateFrame(update: Uint8Array): Uint8Array {
  return frame((e) => (encoding.writeVarUint(e, SYNC), writeUpdate(e, update)));
}

/** [0, 0, stateVector]: asks the client for everything the document lacks. */
export function syncStep1Frame(doc: Y.Doc): Uint8Array {
  return frame((e) => (encoding.writeVarUint(e, SYNC), writeSyncStep1(e, doc)));
}

/** [0, 1, update]: sync step 2 from an update already encoded (y-protocols would encode the doc). */
export function syncStep2Frame(update: Uint8Array): Uint8Array {
  return frame((e) => (encoding.writeVarUint(e, SYNC), encoding.writeVarUint(e, messageYjsSyncStep2), encoding.writeVarUint8Array(e, update)));
}

/** The inner awareness update y-protocols applies: [count, (clientId, clock, state JSON)*]. */
export function encodeAwarenessEntries(entries: AwarenessEntry[]): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, entries.length);
    for (const { clientId, clock, state } of entries) {
      encoding.writeVarUint(e, clientId);
      encoding.writeVarUint(e, clock);
      encoding.writeVarString(e, state);
    }
  });
}

/** [1, awarenessUpdate]. */
export function awarenessFrame(awarenessUpdate: Uint8Array): Uint8Array {
  return frame((e) => (encoding.writeVarUint(e, AWARENESS), encoding.writeVarUint8Array(e, awarenessUpdate)));
}

/** The awareness frame carrying these clients' current states. */
export function awarenessStatesFrame(awareness: Awareness, clients: number[]): Uint8Array {
  return awarenessFrame(encodeAwarenessUpdate(awareness, clients));
}

export function classifyFrame(bytes: Uint8Array): Frame {
  try {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    if (type === SYNC) {
      const step = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (decoding.hasContent(decoder)) return { kind: "malformed", reason: "trailing bytes" };
      if (step === 0) {
        // An empty state vector: a client that has nothing yet (every fresh page load).
        return { kind: "sync-step-1", stateVector: payload, knowsNothing: Y.decodeStateVector(payload).size === 0 };
      }
      if (step === 1 || step === 2) return { kind: "update", update: payload };
      return { kind: "malformed", reason: "unknown sync step" };
    }
    if (type === AWARENESS) {
      const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
      if (decoding.hasContent(decoder)) return { kind: "malformed", reason: "trailing bytes" };
      const entries: ReceivedAwarenessEntry[] = [];
      const count = decoding.readVarUint(inner);
      for (let i = 0; i < count; i++) {
        const clientId = decoding.readVarUint(inner);
        const clock = decoding.readVarUint(inner);
        const raw = decoding.readVarUint8Array(inner); // what readVarString reads, kept for its size
        const state = string.decodeUtf8(raw);
        entries.push({ clientId, clock, state, value: JSON.parse(state), bytes: raw.byteLength });
      }
      return { kind: "awareness", entries };
    }
    return { kind: "other" };
  } catch {
    return { kind: "malformed", reason: "undecodable frame" };
  }
}

export function byteLength(message: string | ArrayBuffer | ArrayBufferView): number {
  return typeof message === "string" ? new TextEncoder().encode(message).byteLength : message.byteLength;
}

export function toBytes(message: ArrayBuffer | ArrayBufferView): Uint8Array {
  return message instanceof ArrayBuffer
    ? new Uint8Array(message)
    : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
}
