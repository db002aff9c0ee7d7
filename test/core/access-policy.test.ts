// The room access policy (src/core/access.ts) as a table of rooms x actors, and the proof that
// the SQL the list queries use (visibleRoomsFor) answers exactly what permissionsFor answers.
import { env } from "cloudflare:workers";
import { and, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  type Actor,
  actorFor,
  canSeeRoom,
  connectionRoleFor,
  type Permissions,
  permissionsFor,
  visibleRoomsFor,
} from "../../src/core/access.ts";
import { database } from "../../src/core/db.ts";
import { roomMembers, rooms, type Room, type RoomRole, type User, users } from "../../src/db/schema.ts";

const KINDS = {
  private: { visibility: "private", openEditing: false, openCommenting: false },
  "private+openEditing": { visibility: "private", openEditing: true, openCommenting: false },
  "private+openCommenting": { visibility: "private", openEditing: false, openCommenting: true },
  public: { visibility: "public", openEditing: false, openCommenting: false },
  "public+openEditing": { visibility: "public", openEditing: true, openCommenting: false },
  "public+openCommenting": { visibility: "public", openEditing: false, openCommenting: true },
} as const;
type Kind = keyof typeof KINDS;

/** Members hold these roles in every room; the others hold none. */
const ROLES = { owner: "owner", editor: "editor", commenter: "commenter", viewer: "viewer" } as const satisfies Record<string, RoomRole>;
const ACTORS = ["owner", "editor", "commenter", "viewer", "outsider", "admin", "admin-token", "anonymous"] as const;
type ActorName = (typeof ACTORS)[number];

// What each actor may do, as the rules at the top of src/core/access.ts say it in words.
// Columns: view, comment, edit, manage.
const Y = true;
const N = false;
const EXPECTED: Record<Kind, Record<ActorName, [boolean, boolean, boolean, boolean]>> = {
  private: {
    owner: [Y, Y, Y, Y],
    editor: [Y, Y, Y, N],
    commenter: [Y, Y, N, N],
    viewer: [Y, N, N, N],
    outsider: [N, N, N, N],
    admin: [Y, Y, Y, Y],
    "admin-token": [Y, Y, Y, Y],
    anonymous: [N, N, N, N],
  },
  // openEditing and openCommenting speak only for public rooms.
  "private+openEditing": {
    owner: [Y, Y, Y, Y],
    editor: [Y, Y, Y, N],
    commenter: [Y, Y, N, N],
    viewer: [Y, N, N, N],
    outsider: [N, N, N, N],
    admin: [Y, Y, Y, Y],
    "admin-token": [Y, Y, Y, Y],
    anonymous: [N, N, N, N],
  },
  "private+openCommenting": {
    owner: [Y, Y, Y, Y],
    editor: [Y, Y, Y, N],
    commenter: [Y, Y, N, N],
    viewer: [Y, N, N, N],
    outsider: [N, N, N, N],
    admin: [Y, Y, Y, Y],
    "admin-token": [Y, Y, Y, Y],
    anonymous: [N, N, N, N],
  },
  public: {
    owner: [Y, Y, Y, Y],
    editor: [Y, Y, Y, N],
    commenter: [Y, Y, N, N],
    viewer: [Y, N, N, N],
    outsider: [Y, N, N, N],
    admin: [Y, Y, Y, Y],
    "admin-token": [Y, Y, Y, Y],
    anonymous: [N, N, N, N],
  },
  // An explicit viewer stays one; only people without a role may edit (and so comment) through openEditing.
  "public+openEditing": {
    owner: [Y, Y, Y, Y],
    editor: [Y, Y, Y, N],
    commenter: [Y, Y, N, N],
    viewer: [Y, N, N, N],
    outsider: [Y, Y, Y, N],
    admin: [Y, Y, Y, Y],
    "admin-token": [Y, Y, Y, Y],
    anonymous: [N, N, N, N],
  },
  // Likewise an explicit viewer does not comment through openCommenting.
  "public+openCommenting": {
    owner: [Y, Y, Y, Y],
    editor: [Y, Y, Y, N],
    commenter: [Y, Y, N, N],
    viewer: [Y, N, N, N],
    outsider: [Y, Y, N, N],
    admin: [Y, Y, Y, Y],
    "admin-token": [Y, Y, Y, Y],
    anonymous: [N, N, N, N],
  },
};

const asRow = ({ canView, canComment, canEdit, canManage }: Permissions) => [canView, canComment, canEdit, canManage];

/** One room of each kind, owned by `owner`, with an editor and a viewer; and the actors. */
async function seed() {
  const db = database(env);
  const now = Date.now();
  const user = (name: string, role: User["role"] = "user"): User => ({
    id: crypto.randomUUID(),
    email: `${name}-${crypto.randomUUID()}@example.com`,
    name,
    passwordHash: "unused",
    role,
    notify: "all",
    createdAt: now,
    updatedAt: now,
  });
  const people = { owner: user("Owner"), editor: user("Editor"), commenter: user("Commenter"), viewer: user("Viewer"), outsider: user("Outsider"), admin: user("Admin", "admin") };
  await db.insert(users).values(Object.values(people));
  const roomOf = {} as Record<Kind, Room>;
  for (const [kind, rules] of Object.entries(KINDS) as [Kind, (typeof KINDS)[Kind]][]) {
    roomOf[kind] = { id: crypto.randomUUID(), name: kind, ownerId: people.owner.id, ...rules, createdAt: now, updatedAt: now };
  }
  await db.insert(rooms).values(Object.values(roomOf));
  await db.insert(roomMembers).values(
    Object.values(roomOf).flatMap((room) =>
      Object.entries(ROLES).map(([who, role]) => ({ roomId: room.id, userId: people[who as keyof typeof ROLES].id, role, createdAt: now })),
    ),
  );
  const actors: Record<ActorName, Actor | null> = {
    owner: actorFor(people.owner),
    editor: actorFor(people.editor),
    commenter: actorFor(people.commenter),
    viewer: actorFor(people.viewer),
    outsider: actorFor(people.outsider),
    admin: actorFor(people.admin),
    "admin-token": { user: null, isAdmin: true },
    anonymous: null,
  };
  const roleOf = (name: ActorName): RoomRole | null => (name in ROLES ? ROLES[name as keyof typeof ROLES] : null);
  return { roomOf, actors, roleOf };
}

describe("the room access policy", () => {
  it("answers view, comment, edit and manage for every kind of room and actor as the rules say", async () => {
    const { roomOf, actors, roleOf } = await seed();
    for (const kind of Object.keys(KINDS) as Kind[]) {
      for (const name of ACTORS) {
        const got = asRow(permissionsFor(roomOf[kind], roleOf(name), actors[name]));
        expect({ kind, name, got }).toEqual({ kind, name, got: EXPECTED[kind][name] });
      }
    }
  });

  it("lists exactly the rooms permissionsFor lets each actor view (visibleRoomsFor in SQL)", async () => {
    const { roomOf, actors, roleOf } = await seed();
    const ids = Object.values(roomOf).map((room) => room.id);
    for (const name of ACTORS) {
      const rows = await database(env)
        .select({ name: rooms.name })
        .from(rooms)
        .where(and(inArray(rooms.id, ids), visibleRoomsFor(actors[name])));
      const listed = rows.map((row) => row.name).sort();
      const viewable = (Object.keys(KINDS) as Kind[]).filter((kind) => permissionsFor(roomOf[kind], roleOf(name), actors[name]).canView).sort();
      expect({ name, listed }).toEqual({ name, listed: viewable });
    }
  });

  it("lets presence redaction decide from visibility and membership alone, as permissionsFor does", async () => {
    const { roomOf, actors, roleOf } = await seed();
    for (const kind of Object.keys(KINDS) as Kind[]) {
      for (const name of ACTORS) {
        const role = roleOf(name);
        const seen = canSeeRoom(roomOf[kind], role !== null, actors[name]);
        expect({ kind, name, seen }).toEqual({ kind, name, seen: permissionsFor(roomOf[kind], role, actors[name]).canView });
      }
    }
  });

  it("gives a live connection the editor role only when it may edit and write, and none when it may not view", () => {
    const all: Permissions = { canView: true, canComment: true, canEdit: true, canManage: false };
    expect(connectionRoleFor(all)).toBe("editor");
    expect(connectionRoleFor(all, false)).toBe("viewer");
    expect(connectionRoleFor({ ...all, canEdit: false })).toBe("viewer");
    expect(connectionRoleFor({ canView: false, canComment: false, canEdit: false, canManage: false })).toBeNull();
  });
});
