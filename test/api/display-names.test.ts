// Display names are shown beside every message, caret and avatar: they must read as what they are.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cleanDisplayName, isReservedName, shownName } from "../../src/shared/display-name.ts";
import { roomChannel, type ServerFrame } from "../../src/shared/chat-protocol.ts";
import { admin, call, json, signUp, uniqueEmail } from "../helpers/http.ts";
import { addMember, createRoom } from "../helpers/rooms.ts";
import { ChatSocket, messageWith } from "../helpers/ws-chat.ts";

const signup = (name: string) => call("POST", "/api/users", { body: { name, email: uniqueEmail(), password: "long enough pw" } });

describe("display name rules", () => {
  it("strip control, bidi and invisible characters, normalize to NFC and collapse whitespace", () => {
    expect(cleanDisplayName("  Ada\n\tLovelace  ")).toBe("Ada Lovelace");
    expect(cleanDisplayName("Ada\u202Eecalevol\u202C")).toBe("Adaecalevol");
    expect(cleanDisplayName("\u2066Bob\u2069\u200B\u0007")).toBe("Bob");
    expect(cleanDisplayName("Jose\u0301")).toBe("José".normalize("NFC"));
    expect(cleanDisplayName("👨\u200D👩\u200D👧")).toBe("👨\u200D👩\u200D👧"); // ZWJ emoji survive
  });

  it("mark a stored staff-looking name once, however often it is passed through", () => {
    expect(shownName("Support")).toBe("Support (user)");
    expect(shownName(shownName("Support"))).toBe("Support (user)");
    expect(shownName("\u202E\u200B")).toBe("Unnamed");
  });

  it("reserve names that read as staff, whatever the case, spacing or lookalike letters", () => {
    for (const name of ["admin", "Administrator", "SYSTEM", "Roomful", "moderator", "Support", "Adm1n", "ＡＤＭＩＮ", "Аdmin" /* Cyrillic А */,
      "r00mful support", "The Roomful Team", "Sys\u200Btem", "adm-in", "SysAdmin", "Admins", "Ada (admin)", "Roomful_Bot", "ꜱystem".replace("ꜱ", "s")]) {
      expect(isReservedName(name), name).toBe(true);
    }
    for (const name of ["Ada", "Badminton Club", "Systematic Sam", "Supportive Sue", "Maude", "Mod", "Ramin", "Roomie"]) {
      expect(isReservedName(name), name).toBe(false);
    }
  });
});

describe("signup and rename", () => {
  it("refuse names that read as staff with a 400 naming the field", async () => {
    for (const name of ["Admin", "r00mful support", "\u202Esystem"]) {
      const response = await signup(name);
      expect(response.status, name).toBe(400);
      const { error } = await json(response);
      expect(error.code).toBe("validation_failed");
      expect(error.details).toEqual([{ path: "name", message: expect.stringMatching(/reads as Roomful staff/) }]);
    }
    const ada = await signUp("Ada");
    const rename = await call("PATCH", `/api/users/${ada.id}`, { auth: ada.auth, body: { name: "Moderator" } });
    expect(rename.status).toBe(400);
    expect((await json(rename)).error.details[0].path).toBe("name");
    // Not even an admin may hand out a staff-looking name: the rule is about what others read.
    expect((await call("PATCH", `/api/users/${ada.id}`, { auth: admin, body: { name: "System" } })).status).toBe(400);
  });

  it("store names cleaned, and refuse one left empty", async () => {
    const created = await signup("Ada\u202E\n  Lovelace\u0000");
    expect(created.status).toBe(201);
    expect((await json(created)).user.name).toBe("Ada Lovelace");
    expect((await signup("\u200B\u202E\u0007")).status).toBe(400);
    const bob = await signUp("Bob");
    const renamed = await call("PATCH", `/api/users/${bob.id}`, { auth: bob.auth, body: { name: "Bob\u2067 the\tBuilder" } });
    expect((await json(renamed)).user.name).toBe("Bob the Builder");
  });
});

describe("names stored before the rules", () => {
  it("are cleaned on read, and a staff-looking one is marked as a person's, in every place it is shown", async () => {
    const owner = await signUp("Owner");
    const old = await signUp("Old");
    await env.DB.prepare("UPDATE users SET name = ? WHERE id = ?").bind("Admin\u202E\n", old.id).run();
    expect(shownName("Admin\u202E\n")).toBe("Admin (user)");

    expect((await json(await call("GET", "/api/auth/me", { auth: old.auth }))).user.name).toBe("Admin (user)");
    const room = await createRoom(owner.auth, { visibility: "public" });
    await addMember(owner.auth, room.id, old, "editor");
    const members = (await json(await call("GET", `/api/rooms/${room.id}/members`, { auth: owner.auth }))).members;
    expect(members.find((m: { userId: string }) => m.userId === old.id).name).toBe("Admin (user)");

    // Chat carries the identity the Worker resolved, so the name is cleaned there too.
    const socket = await ChatSocket.open(old.auth);
    socket.send({ type: "subscribe", channel: roomChannel(room.id) });
    await socket.next((f) => f.type === "subscribed");
    socket.send({ type: "send", channel: roomChannel(room.id), body: "hello from before" });
    const { message } = await socket.next<Extract<ServerFrame, { type: "message" }>>(messageWith("hello from before"));
    expect(message).toMatchObject({ userName: "Admin (user)", authorKind: "user" });
    socket.close();
  });
});
