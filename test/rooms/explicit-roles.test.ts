// An explicit role is the owner's word about one person; a room's openEditing is about everyone
// else. Regression: an explicit viewer of an open-editing public room could still edit.
import { describe, expect, it } from "vitest";
import { call, json, signUp } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { partyClient, stockClient, synced, until } from "../helpers/yjs-clients.ts";

describe("explicit roles win over openEditing", () => {
  it("an explicit viewer of an open-editing public room may only read, over REST and over the socket", async () => {
    const owner = await signUp("Owner");
    const viewer = await signUp("Viewer");
    const passerby = await signUp("Passerby");
    const room = await createRoom(owner.auth, { visibility: "public", openEditing: true });
    await addMember(owner.auth, room.id, viewer, "viewer");

    expect((await json(await call("GET", `/api/rooms/${room.id}`, { auth: viewer.auth }))).access.canEdit).toBe(false);
    const put = await call("PUT", `/api/rooms/${room.id}/document`, { auth: viewer.auth, rawBody: "viewer text", headers: { "content-type": "text/plain" } });
    expect(put.status).toBe(403);
    // Anyone without a role still edits: openEditing itself is unchanged.
    expect((await json(await call("GET", `/api/rooms/${room.id}`, { auth: passerby.auth }))).access.canEdit).toBe(true);

    const writer = partyClient(room.id, owner.auth);
    const reader = stockClient(room.id, viewer.auth);
    await Promise.all([synced(writer), synced(reader)]);
    reader.doc.getText("t").insert(0, "from the viewer");
    writer.doc.getText("t").insert(0, "owner");
    await until(() => expect(reader.doc.getText("t").toString()).toContain("owner"));
    expect(writer.doc.getText("t").toString()).toBe("owner");
    writer.close();
    reader.close();
  });

  it("demoting someone to viewer in an open-editing room takes edit rights away", async () => {
    const owner = await signUp("Owner");
    const member = await signUp("Member");
    const room = await createRoom(owner.auth, { visibility: "public", openEditing: true });
    await addMember(owner.auth, room.id, member, "editor");
    expect((await json(await call("GET", `/api/rooms/${room.id}`, { auth: member.auth }))).access.canEdit).toBe(true);
    await addMember(owner.auth, room.id, member, "viewer");
    expect((await json(await call("GET", `/api/rooms/${room.id}`, { auth: member.auth }))).access.canEdit).toBe(false);
  });
});
