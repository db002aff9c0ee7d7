// Who a room connection belongs to and what it may do, as the Worker signed it for this room
// (src/api/rooms/room-socket-routes.ts, src/core/identity.ts). Plain headers are never trusted:
// an upgrade that reaches the object any other way has no valid signature and is refused.
import type { Env } from "../env.ts";
import type { Credential } from "../core/credential.ts";
import { verifiedRoomIdentity } from "../core/identity.ts";
import type { ConnectionRole } from "../shared/room-protocol.ts";

/** The part of a connection's state set once, when it is accepted. */
export type ConnectionIdentity = { userId: string; name: string; role: ConnectionRole; credential: Credential; readOnlyScope: boolean };

export async function connectionIdentity(env: Env, roomName: string, request: Request): Promise<ConnectionIdentity | null> {
  const who = await verifiedRoomIdentity(env, request.headers, roomName);
  if (!who) return null;
  return { userId: who.id, name: who.name, role: who.role, credential: who.credential, readOnlyScope: who.readOnlyScope };
}
