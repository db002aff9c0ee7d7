// File rows: loaded through the KV cache, invalidated by every writer, and who may see them.
import { eq } from "drizzle-orm";
import { files, type FileRow } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import type { Principal } from "../auth/principal.ts";
import { invalidate, readThrough } from "../cache/read-through.ts";
import { database } from "../../core/db.ts";
import { roomAccess } from "../../core/access.ts";

const cacheKey = (id: string) => `file:${id}`;

export async function loadFile(env: Env, id: string): Promise<FileRow | null> {
  return readThrough(env, cacheKey(id), async () => {
    const [row] = await database(env).select().from(files).where(eq(files.id, id)).limit(1);
    return row ?? null;
  });
}

export async function updateFile(env: Env, id: string, values: Partial<FileRow>): Promise<void> {
  await database(env).update(files).set(values).where(eq(files.id, id));
  await invalidate(env, cacheKey(id));
}

export async function deleteFileRow(env: Env, id: string): Promise<void> {
  await database(env).delete(files).where(eq(files.id, id));
  await invalidate(env, cacheKey(id));
}

/** Public files: anyone. Private: the owner, whoever may view its room, admins. */
export async function canSeeFile(env: Env, file: FileRow, principal: Principal | null): Promise<boolean> {
  if (file.visibility === "public") return true;
  if (!principal) return false;
  if (principal.isAdmin || principal.user?.id === file.ownerId) return true;
  if (!file.roomId) return false;
  return (await roomAccess(env, file.roomId, principal))?.canView ?? false;
}

/** May `principal` put files in this room? Unknown rooms get the same answer as forbidden ones. */
export async function canWriteRoom(env: Env, roomId: string, principal: Principal): Promise<boolean> {
  return (await roomAccess(env, roomId, principal))?.canEdit ?? false;
}
