// Creating rooms and memberships through the real REST API.
import { expect } from "vitest";
import type { RoomRole } from "../../src/shared/api-types.ts";
import { type Auth, call, json, type TestUser } from "./http.ts";

export async function createRoom(
  auth: Auth,
  options: { name?: string; visibility?: "public" | "private"; openEditing?: boolean } = {},
): Promise<{ id: string; name: string }> {
  const response = await call("POST", "/api/rooms", {
    auth,
    body: { name: options.name ?? "Room", visibility: options.visibility ?? "private", ...(options.openEditing !== undefined && { openEditing: options.openEditing }) },
  });
  expect(response.status).toBe(201);
  return (await json(response)).room;
}

/** Invites `member` and accepts as them (a new member), or changes an existing member's role. */
export async function addMember(owner: Auth, roomId: string, member: TestUser, role: RoomRole) {
  const response = await call("POST", `/api/rooms/${roomId}/members`, { auth: owner, body: { email: member.email, role } });
  if (response.status === 200) return;
  expect(response.status).toBe(202);
  const { invitation } = await json(response);
  const accepted = await call("POST", `/api/invitations/${invitation.id}/accept`, { auth: member.auth });
  expect(accepted.status).toBe(200);
}
