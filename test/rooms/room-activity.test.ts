// The room list's "recent activity": a chat message counts as much as an edit (issue 15, item 4).
import { describe, expect, it } from "vitest";
import { call, json, signUp } from "../helpers/http.ts";
import { createRoom } from "../helpers/rooms.ts";

describe("a room's last activity in the list", () => {
  it("moves to its latest chat message, and only that room's", async () => {
    const ada = await signUp("Ada");
    const chatty = await createRoom(ada.auth, { name: "Chatty" });
    const quiet = await createRoom(ada.auth, { name: "Quiet" });
    const listed = async () => (await json(await call("GET", "/api/rooms", { auth: ada.auth }))).rooms as { id: string; updatedAt: string; lastActivityAt: string }[];
    const before = await listed();
    for (const room of before) expect(room.lastActivityAt).toBe(room.updatedAt);

    const posted = await call("POST", `/api/rooms/${chatty.id}/messages`, { auth: ada.auth, body: { body: "anyone here?" } });
    expect(posted.status).toBe(201);
    const { message } = await json(posted);
    const after = await listed();
    expect(after.find((r) => r.id === chatty.id)!.lastActivityAt).toBe(new Date(message.createdAt).toISOString());
    expect(Date.parse(after.find((r) => r.id === chatty.id)!.lastActivityAt)).toBeGreaterThanOrEqual(Date.parse(before.find((r) => r.id === chatty.id)!.updatedAt));
    expect(after.find((r) => r.id === quiet.id)!.lastActivityAt).toBe(before.find((r) => r.id === quiet.id)!.lastActivityAt);
  });
});
