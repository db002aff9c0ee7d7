// A demoted admin keeps no admin reach through sockets opened while they were one: every room
// where they have a socket re-checks their access as an ordinary user (a removed outsider is
// closed with 4403, an editor-by-admin becomes a viewer), and their chat sockets lose the admin
// flag and every room channel and view they may no longer see.
import type { User } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { presenceStub } from "../../presence/stub.ts";
import { userSocketsStub } from "../../rooms/stub.ts";
import { loadRoom, memberRole } from "../../core/access.ts";
import { applyLiveAccess } from "../rooms/live-access.ts";

export async function applyDemotion(env: Env, user: User): Promise<void> {
  for (const roomId of await userSocketsStub(env, user.id).rooms()) {
    const room = await loadRoom(env, roomId);
    if (!room) continue; // deleted: its sockets were closed with it
    await applyLiveAccess(env, room, user, await memberRole(env, roomId, user.id));
  }
  await presenceStub(env).recheckUser(user.id, false);
}
