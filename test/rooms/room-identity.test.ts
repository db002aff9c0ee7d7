// The Room object admits only connections the Worker signed for that room (src/core/identity.ts,
// src/rooms/connection-identity.ts): upgrades that reach it directly with plain, forged, replayed
// or tampered identity headers are closed with 4403 before a single document byte.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type RoomIdentity, roomAudience, withIdentity } from "../../src/core/identity.ts";
import { roomStub } from "../../src/rooms/stub.ts";
import { BASE, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";

type Outcome = { closeCode: number | null; frames: number };

/** Opens a socket from `response` and reports how it ended: its close code, or null if still open. */
async function outcomeOf(response: Response, timeoutMs = 5_000): Promise<Outcome> {
  expect(response.status).toBe(101);
  const ws = response.webSocket!;
  let frames = 0;
  const closed = new Promise<number>((resolve) => ws.addEventListener("close", (event) => resolve(event.code)));
  ws.addEventListener("message", () => {
    frames += 1;
  });
  ws.accept();
  // An admitted connection is sent sync step 1 at once; a refused one is closed at once.
  const firstFrame = new Promise<void>((resolve) => ws.addEventListener("message", () => resolve()));
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), timeoutMs));
  const result = await Promise.race([closed, firstFrame.then(() => "open" as const), timeout]);
  if (result === "timeout") throw new Error("socket neither closed nor spoke");
  if (result === "open") {
    ws.close(1000, "done");
    return { closeCode: null, frames };
  }
  return { closeCode: result, frames };
}

/** An upgrade sent straight to the Room object, bypassing the Worker's authorization. */
function direct(roomId: string, headers: HeadersInit): Promise<Response> {
  const all = new Headers(headers);
  all.set("upgrade", "websocket");
  return roomStub(env, roomId).fetch(new Request(`${BASE}/parties/room/${roomId}`, { headers: all }));
}

const someone = (id: string, role: RoomIdentity["role"]): RoomIdentity => ({
  id,
  name: "Mallory",
  isAdmin: false,
  credential: "admin-token",
  role,
  readOnlyScope: false,
});

describe("room connections", () => {
  it("refuses an upgrade that reaches the object with plain identity headers (4403, no document bytes)", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const forged = {
      "x-roomful-user-id": owner.id,
      "x-roomful-user-name": "Owner",
      "x-roomful-connection-role": "editor",
      "x-roomful-credential": "admin-token",
      "x-roomful-credential-scope": "write",
    };
    expect(await outcomeOf(await direct(room.id, forged))).toEqual({ closeCode: 4403, frames: 0 });
    expect(await outcomeOf(await direct(room.id, { ...forged, "x-roomful-signature": "00" }))).toEqual({ closeCode: 4403, frames: 0 });
  });

  it("refuses a signature made with another secret, for another room, or over other headers", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const other = await createRoom(owner.auth);
    const wrongSecret = await withIdentity({ SESSION_SECRET: "not-the-secret" }, new Headers(), someone(owner.id, "editor"), roomAudience(room.id));
    expect(await outcomeOf(await direct(room.id, wrongSecret))).toEqual({ closeCode: 4403, frames: 0 });

    const forOtherRoom = await withIdentity(env, new Headers(), someone(owner.id, "editor"), roomAudience(other.id));
    expect(await outcomeOf(await direct(room.id, forOtherRoom))).toEqual({ closeCode: 4403, frames: 0 });
    const forPresence = await withIdentity(env, new Headers(), someone(owner.id, "editor"));
    expect(await outcomeOf(await direct(room.id, forPresence))).toEqual({ closeCode: 4403, frames: 0 });

    const promoted = await withIdentity(env, new Headers(), someone(owner.id, "viewer"), roomAudience(room.id));
    promoted.set("x-roomful-connection-role", "editor");
    expect(await outcomeOf(await direct(room.id, promoted))).toEqual({ closeCode: 4403, frames: 0 });
  });

  it("admits a connection the Worker signed for this room", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const signed = await withIdentity(env, new Headers(), someone(owner.id, "viewer"), roomAudience(room.id));
    const outcome = await outcomeOf(await direct(room.id, signed));
    expect(outcome.closeCode).toBeNull();
  });

  it("ignores identity headers a client sends through the Worker: the connection is the caller's", async () => {
    const owner = await signUp("Owner");
    const mallory = await signUp("Mallory");
    const room = await createRoom(owner.auth, { visibility: "private" });
    await addMember(owner.auth, room.id, mallory, "viewer");
    const headers = new Headers({ upgrade: "websocket", cookie: mallory.auth.cookie! });
    headers.set("x-roomful-user-id", owner.id);
    headers.set("x-roomful-connection-role", "editor");
    const response = await exports.default.fetch(new Request(`${BASE}/parties/room/${room.id}`, { headers }));
    expect(response.status).toBe(101);
    const ws = response.webSocket!;
    ws.accept();
    expect(await roomStub(env, room.id).connectedUserIds()).toEqual([mallory.id]);
    ws.close(1000, "done");
  });

  it("says in Server-Timing where an upgrade's time went: room access and the room object", async () => {
    const owner = await signUp("Owner");
    const room = await createRoom(owner.auth);
    const headers = new Headers({ upgrade: "websocket", cookie: owner.auth.cookie! });
    const response = await exports.default.fetch(new Request(`${BASE}/parties/room/${room.id}`, { headers }));
    expect(response.status).toBe(101);
    const metrics = Object.fromEntries(
      response.headers.get("server-timing")!.split(",").map((metric) => [metric.split(";")[0], /dur=([\d.]+)/.exec(metric)?.[1]]),
    );
    expect(Object.keys(metrics).sort()).toEqual(["access", "room", "total"]);
    for (const value of Object.values(metrics)) expect(Number(value)).toBeGreaterThanOrEqual(0);
    const ws = response.webSocket!;
    ws.accept();
    ws.close(1000, "done");
  });
});
