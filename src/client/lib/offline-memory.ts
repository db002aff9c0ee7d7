// What the app needs to open with no network, remembered from the last answers it had online:
// who is signed in, the room list, and each opened room's details and access. Kept in
// localStorage (never in the service worker's cache), keyed by user, and forgotten on sign-out.
// The documents themselves are the offline copies (offline-copies.ts).
import { z } from "zod";
import type { Room, RoomAccess, User } from "../../shared/api-types.ts";

const USER_KEY = "roomful:offline:user";
const userPrefix = (userId: string) => `roomful:offline:${userId}:`;
const roomsKey = (userId: string) => `${userPrefix(userId)}rooms`;
const roomKey = (userId: string, roomId: string) => `${userPrefix(userId)}room:${roomId}`;

// localStorage is anyone's to edit (extensions, devtools, an older build): parse, never cast.
const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(["user", "admin"]),
  // Only shown offline; the server's value replaces it online. A copy from before the field existed still opens.
  notify: z.enum(["all", "mentions", "none"]).catch("all"),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<User>;

const role = z.enum(["owner", "editor", "commenter", "viewer"]);
const roomSchema = z.object({
  id: z.string(),
  name: z.string(),
  visibility: z.enum(["public", "private"]),
  openEditing: z.boolean(),
  openCommenting: z.boolean(),
  ownerId: z.string(),
  role: role.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastActivityAt: z.string().optional(),
}) satisfies z.ZodType<Room>;

const accessSchema = z.object({ canView: z.boolean(), canComment: z.boolean(), canEdit: z.boolean(), canManage: z.boolean() }) satisfies z.ZodType<RoomAccess>;
const detailsSchema = z.object({ room: roomSchema, access: accessSchema });

export type RoomDetails = z.infer<typeof detailsSchema>;

function read<T>(key: string, schema: z.ZodType<T>): T | null {
  try {
    const raw = localStorage.getItem(key);
    if (raw === null) return null;
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the app still works online.
  }
}

export const rememberUser = (user: User) => write(USER_KEY, user);
export const rememberedUser = (): User | null => read(USER_KEY, userSchema);

export const rememberRooms = (userId: string, rooms: Room[]) => write(roomsKey(userId), rooms);
export const rememberedRooms = (userId: string): Room[] => read(roomsKey(userId), z.array(roomSchema)) ?? [];

export const rememberRoom = (userId: string, details: RoomDetails) => write(roomKey(userId, details.room.id), details);
export const rememberedRoom = (userId: string, roomId: string): RoomDetails | null => read(roomKey(userId, roomId), detailsSchema);

/** No longer the user's to see: neither its details nor its place in the saved list stay. */
export function forgetRoom(userId: string, roomId: string): void {
  localStorage.removeItem(roomKey(userId, roomId));
  const rooms = rememberedRooms(userId);
  if (rooms.some((room) => room.id === roomId)) rememberRooms(userId, rooms.filter((room) => room.id !== roomId));
}

/** Signed out: nothing of the user's stays. */
export function forgetUser(userId: string): void {
  if (rememberedUser()?.id === userId) localStorage.removeItem(USER_KEY);
  const prefix = userPrefix(userId);
  const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i) ?? "").filter((key) => key.startsWith(prefix));
  for (const key of keys) localStorage.removeItem(key);
}

/** The fetch never reached the server (offline, DNS, connection refused), as opposed to an HTTP error. */
export function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError || !navigator.onLine;
}
