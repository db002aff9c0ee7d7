// Route-level room lookups: 404 unless the caller may at least view the room,
// so private rooms are indistinguishable from missing ones to outsiders.
import type { AppContext } from "../context.ts";
import { forbidden, notFound } from "../errors.ts";
import { idParams, readParams } from "../validation.ts";
import { type RoomAccess, roomAccess } from "../../core/access.ts";
import { takePrefetchedAccess } from "../auth/guards.ts";

export async function viewableRoom(c: AppContext): Promise<RoomAccess> {
  const { id } = readParams(c, idParams);
  const prefetched = takePrefetchedAccess(c, id);
  const access = prefetched !== undefined ? prefetched : await roomAccess(c.env, id, c.get("principal") ?? null);
  if (!access?.canView) throw notFound("Room");
  return access;
}

export async function editableRoom(c: AppContext): Promise<RoomAccess> {
  const access = await viewableRoom(c);
  if (!access.canEdit) throw forbidden("You can view this room but not edit it.");
  return access;
}

export async function commentableRoom(c: AppContext): Promise<RoomAccess> {
  const access = await viewableRoom(c);
  if (!access.canComment) throw forbidden("You can view this room but not comment in it.");
  return access;
}

export async function managedRoom(c: AppContext): Promise<RoomAccess> {
  const access = await viewableRoom(c);
  if (!access.canManage) throw forbidden("Only the room's owner or an admin may do that.");
  return access;
}
