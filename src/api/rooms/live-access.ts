// Pushes a membership change to the room's open connections, so a demoted editor
// stops writing at once and a removed member is disconnected.
import type { Room, User } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import type { RoomRole as MemberRole } from "../../db/schema.ts";
import { roomStub } from "../../rooms/stub.ts";
import { accessFor } from "./access.ts";

export async function applyLiveAccess(env: Env, room: Room, user: User, role: MemberRole | null): Promise<void> {
  const access = accessFor(room, role, {
    user,
    isAdmin: user.role === "admin",
    via: "session",
    scopes: new Set(),
  });
  const connectionRole = access.canEdit ? "editor" : access.canView ? "viewer" : null;
  await roomStub(env, room.id).updateMemberAccess(user.id, connectionRole);
}
