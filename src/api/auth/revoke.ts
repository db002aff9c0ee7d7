// Revocation: a credential that stops working in D1 also stops working on the sockets it
// opened. Room sockets are found through the user's registry (src/rooms/user-sockets.ts),
// chat sockets in the presence object; both close with 4403 ("Signed out").
import { and, eq, ne } from "drizzle-orm";
import { apiTokens, sessions } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import type { Revocation } from "../../core/credential.ts";
import { presenceStub } from "../../presence/stub.ts";
import { roomStub } from "../../rooms/stub.ts";
import { userSocketsStub } from "../../rooms/stub.ts";
import { database } from "../../core/db.ts";

/** Room objects asked at once; the registry holds at most 200 rooms per user. */
const FAN_OUT = 20;

/**
 * A password change signs out every other session and revokes every API token, so whoever
 * held the old credentials loses access with them, on open sockets too.
 */
export async function revokeOtherCredentials(env: Env, userId: string, keepSessionId?: string): Promise<void> {
  const db = database(env);
  await db.batch([
    db
      .delete(sessions)
      .where(keepSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)) : eq(sessions.userId, userId)),
    db.delete(apiTokens).where(eq(apiTokens.userId, userId)),
  ]);
  await closeSockets(env, userId, { all: true, exceptSession: keepSessionId });
}

/**
 * Closes the user's sockets that `revocation` covers, in every room they opened and in chat.
 * Call it after the credential is gone from D1, so a socket opened meanwhile is refused anyway.
 * A room that fails to answer is logged and skipped: the revocation itself already happened.
 */
export async function closeSockets(env: Env, userId: string, revocation: Revocation): Promise<void> {
  const registry = userSocketsStub(env, userId);
  const roomIds = await registry.rooms();
  const empty: string[] = [];
  for (let i = 0; i < roomIds.length; i += FAN_OUT) {
    const chunk = roomIds.slice(i, i + FAN_OUT);
    const results = await Promise.allSettled(chunk.map((roomId) => roomStub(env, roomId).closeCredential(userId, revocation)));
    results.forEach((result, j) => {
      if (result.status === "rejected") console.error(`revoke: room ${chunk[j]} did not answer`, result.reason);
      else if (result.value.remaining === 0) empty.push(chunk[j]!);
    });
  }
  if (empty.length > 0) await registry.forget(empty);
  await presenceStub(env).closeCredential(userId, revocation);
}
