// Awareness (cursors, names) lives only in memory; after the room hibernates and wakes,
// the states are gone but clients still show each other. When such a connection closes,
// YServer has nothing to remove, so peers would keep a ghost cursor. We remember each
// connection's awareness clocks in its (hibernation-proof) state and broadcast the
// removal ourselves with a newer clock.
import * as encoding from "lib0/encoding";
import { awarenessFrame } from "./frames.ts";

export type AwarenessClocks = Record<string, number>;

export function mergeClocks(previous: AwarenessClocks | undefined, incoming: Map<number, number>): AwarenessClocks {
  const next: AwarenessClocks = { ...previous };
  for (const [clientId, clock] of incoming) next[clientId] = Math.max(clock, next[clientId] ?? 0);
  return next;
}

/** A y-protocols awareness frame that marks the given clients as gone. */
export function encodeAwarenessRemoval(clocks: Array<[clientId: number, clock: number]>): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, clocks.length);
  for (const [clientId, clock] of clocks) {
    encoding.writeVarUint(inner, clientId);
    encoding.writeVarUint(inner, clock + 1);
    encoding.writeVarString(inner, "null");
  }
  return awarenessFrame(encoding.toUint8Array(inner));
}
