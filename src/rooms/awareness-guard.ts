// The room owns identity in awareness. y-protocols trusts whatever a client says: any socket
// could claim another user's name, overwrite another client's caret with a higher clock,
// remove it with a null state, or have a huge state relayed to everyone. Here each awareness
// client id belongs to the first connection that announces it (or to another connection of
// the same user, e.g. a reconnect whose old socket has not closed yet), `user` is rewritten
// from the identity the Worker vouched for, and states and client ids per connection are capped.
import type { AwarenessEntry, ReceivedAwarenessEntry } from "./frames.ts";
import { colourFor } from "../shared/colour.ts";

/** A caret plus a name is a few hundred bytes; anything near this is not a cursor. */
export const MAX_AWARENESS_STATE_BYTES = 4 * 1024;
/** One document per tab means one client id; a few more cover a client that changes its id. */
export const MAX_AWARENESS_CLIENTS_PER_CONNECTION = 4;

export type AwarenessSender = { connectionId: string; userId: string; name: string };

export type AwarenessVerdict =
  | { ok: true; entries: AwarenessEntry[] }
  | { ok: false; reason: string };

type Owner = { connectionId: string; userId: string };

export class AwarenessOwners {
  #owners = new Map<number, Owner>();

  /** Re-learns a connection's client ids (after the room woke from hibernation). */
  adopt(connectionId: string, userId: string, clientIds: Iterable<number>): void {
    for (const clientId of clientIds) if (!this.#owners.has(clientId)) this.#owners.set(clientId, { connectionId, userId });
  }

  owner(clientId: number): string | undefined {
    return this.#owners.get(clientId)?.connectionId;
  }

  /** A connection closed: its client ids are free again. */
  release(connectionId: string): void {
    for (const [clientId, owner] of this.#owners) if (owner.connectionId === connectionId) this.#owners.delete(clientId);
  }

  /**
   * What of an incoming awareness update may be applied: entries for client ids owned by
   * someone else are dropped, `user` is rewritten, and an oversized state refuses the frame.
   */
  filter(sender: AwarenessSender, entries: ReceivedAwarenessEntry[]): AwarenessVerdict {
    const accepted: AwarenessEntry[] = [];
    for (const { clientId, clock, value, bytes } of entries) {
      if (bytes > MAX_AWARENESS_STATE_BYTES) return { ok: false, reason: `Awareness state over ${MAX_AWARENESS_STATE_BYTES} bytes` };
      if (!this.#claim(sender, clientId, value === null)) continue;
      const state = withTrustedUser(value, sender);
      if (state !== undefined) accepted.push({ clientId, clock, state });
    }
    return { ok: true, entries: accepted };
  }

  #claim(sender: AwarenessSender, clientId: number, isRemoval: boolean): boolean {
    const owner = this.#owners.get(clientId);
    if (owner?.connectionId === sender.connectionId) return true;
    if (owner && owner.userId !== sender.userId) return false;
    if (isRemoval) return owner !== undefined; // only a state it may own can be removed
    if (this.#countOwnedBy(sender.connectionId) >= MAX_AWARENESS_CLIENTS_PER_CONNECTION) return false;
    this.#owners.set(clientId, { connectionId: sender.connectionId, userId: sender.userId });
    return true;
  }

  #countOwnedBy(connectionId: string): number {
    let count = 0;
    for (const owner of this.#owners.values()) if (owner.connectionId === connectionId) count++;
    return count;
  }
}

/** The state with `user` set from the trusted identity; undefined when it is not an object. */
function withTrustedUser(state: unknown, sender: AwarenessSender): string | undefined {
  if (state === null) return "null";
  if (typeof state !== "object" || Array.isArray(state)) return undefined;
  const user = { id: sender.userId, name: sender.name, color: colourFor(sender.userId) };
  return JSON.stringify({ ...state, user });
}
