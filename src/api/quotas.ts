// Per-user quotas: rooms owned and bytes stored in files, configurable through plain-text vars
// (src/core/config.ts). Admins are exempt: they run the deployment and its scripts.
import { eq, sum } from "drizzle-orm";
import { files } from "../db/schema.ts";
import type { Env } from "../env.ts";
import type { Principal } from "./auth/principal.ts";
import { config } from "../core/config.ts";
import { database } from "../core/db.ts";
import { ApiError } from "./errors.ts";

export function userQuotas(env: Env): { maxRooms: number; maxStoredBytes: number } {
  const vars = config(env);
  return { maxRooms: vars.MAX_ROOMS_PER_USER, maxStoredBytes: vars.MAX_STORED_BYTES_PER_USER };
}

/** Null for admins: no cap. Rooms count against the user who created them (`rooms.owner_id`). */
export function roomQuotaOf(env: Env, principal: Principal): number | null {
  return principal.isAdmin ? null : userQuotas(env).maxRooms;
}

export const roomQuotaExceeded = (max: number) =>
  new ApiError(429, "quota_exceeded", `You may own at most ${max} rooms; delete one to create another.`, { limit: max });

export const storageQuotaExceeded = (max: number) =>
  new ApiError(413, "storage_quota_exceeded", `Your files may take at most ${max} bytes in all; delete some to upload more.`, {
    limit: max,
  });

type UserPrincipal = Principal & { user: { id: string } };

async function storedBytes(env: Env, userId: string): Promise<number> {
  const [row] = await database(env).select({ used: sum(files.size) }).from(files).where(eq(files.ownerId, userId));
  return Number(row?.used ?? 0);
}

/**
 * Bytes the user may still store; Infinity for admins. Every row counts: finished files, files
 * the processing job rejected (their bytes stay in R2 until deleted), and uploads in progress
 * at their declared size, so parallel resumable uploads cannot each claim the same free space.
 */
export async function storageAllowance(env: Env, principal: UserPrincipal): Promise<{ remaining: number; max: number }> {
  if (principal.isAdmin) return { remaining: Number.POSITIVE_INFINITY, max: Number.POSITIVE_INFINITY };
  const { maxStoredBytes } = userQuotas(env);
  return { remaining: maxStoredBytes - (await storedBytes(env, principal.user.id)), max: maxStoredBytes };
}

/**
 * Checked again after a file's row is inserted: parallel uploads each pass the check made before
 * them, so the one that finds the total over the quota removes itself. Two that race may both
 * be refused; none can overshoot.
 */
export async function assertStorageQuotaAfterInsert(env: Env, principal: UserPrincipal): Promise<void> {
  if (principal.isAdmin) return;
  const { maxStoredBytes } = userQuotas(env);
  if ((await storedBytes(env, principal.user.id)) > maxStoredBytes) throw storageQuotaExceeded(maxStoredBytes);
}
