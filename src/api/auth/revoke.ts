// A password change signs out every other session and revokes every API token, so whoever
// held the old credentials loses access with them.
import { and, eq, ne } from "drizzle-orm";
import { apiTokens, sessions } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { database } from "../db.ts";

export async function revokeOtherCredentials(env: Env, userId: string, keepSessionId?: string): Promise<void> {
  const db = database(env);
  await db.batch([
    db
      .delete(sessions)
      .where(keepSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)) : eq(sessions.userId, userId)),
    db.delete(apiTokens).where(eq(apiTokens.userId, userId)),
  ]);
}
