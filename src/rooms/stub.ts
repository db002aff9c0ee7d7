// The Worker's view of a Room object: the RPC methods it exposes, typed by hand
// because inferring them through YServer's generics exceeds TypeScript's depth limit.
import type { Env } from "../env.ts";

export interface RoomRpc {
  destroy(): Promise<void>;
}

export function roomStub(env: Env, roomId: string): DurableObjectStub & RoomRpc {
  const namespace = env.ROOM as unknown as DurableObjectNamespace;
  return namespace.getByName(roomId) as unknown as DurableObjectStub & RoomRpc;
}
