// Part 5, abuse limits: login brute force per account+address and per address (the owner elsewhere
// still signs in), the chat rate limit, and the room's per-connection frame budget. Runs last:
// it locks its test addresses out.
import * as Y from "yjs";
import { syncStep1Frame } from "../../src/rooms/frames.ts";
import { Api } from "./api.ts";
import { ChatClient, rawRoomSocket, roomClient, until } from "./clients.ts";
import type { Row } from "./run.ts";
import { sleep, type Stack } from "./stack.ts";

export async function abuseTest(stack: Stack): Promise<Row[]> {
  const api = new Api(stack.url);
  const rows: Row[] = [];
  const victim = await api.user("Victim");

  // Per account and address: five wrong passwords lock the guesser's address out of the account,
  // even with the right password; the owner at another address still gets in once the account's
  // short delay (1 s after 5 failures, Retry-After) has passed.
  const guesser = { "cf-connecting-ip": "198.51.100.66" };
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) {
    const password = i === 6 ? victim.password : `wrong-${i}-guess`;
    statuses.push((await api.call("POST", "/api/auth/login", { body: { email: victim.email, password }, headers: guesser })).status);
  }
  const firstAccount429 = statuses.indexOf(429) + 1;
  const ownerStatuses: number[] = [];
  for (let attempt = 0; attempt < 3 && ownerStatuses.at(-1) !== 200; attempt++) {
    const response = await api.call("POST", "/api/auth/login", { body: { email: victim.email, password: victim.password }, headers: { "cf-connecting-ip": "192.0.2.80" } });
    ownerStatuses.push(response.status);
    await response.body?.cancel();
    if (response.status === 429) await sleep(Number(response.headers.get("retry-after") ?? 1) * 1000);
  }
  rows.push({
    part: "5 abuse (login, account)",
    tried: "7 sign-ins to one account from one address, 6 wrong then the right password; then the owner from another address",
    figure: `statuses ${statuses.join(",")}; first 429 at attempt ${firstAccount429 || "never"}; owner elsewhere ${ownerStatuses.join(",")}`,
    held: firstAccount429 > 0 && firstAccount429 <= 6 && statuses.at(-1) === 429 && ownerStatuses.at(-1) === 200 && ownerStatuses.length <= 2,
  });

  // Per address: wrong passwords for many accounts from one address.
  const addressStatuses: number[] = [];
  for (let i = 0; i < 25; i++) {
    addressStatuses.push((await api.call("POST", "/api/auth/login", { body: { email: `nobody-${i}-${Date.now()}@example.com`, password: "guess guess" }, headers: { "cf-connecting-ip": "198.51.100.9" } })).status);
  }
  const firstAddress429 = addressStatuses.indexOf(429) + 1;
  rows.push({
    part: "5 abuse (login, address)",
    tried: "25 failed sign-ins to different accounts from one address",
    figure: `first 429 at attempt ${firstAddress429 || "never"}`,
    held: firstAddress429 > 0 && firstAddress429 <= 21 && addressStatuses.slice(firstAddress429 - 1).every((s) => s === 429),
  });

  // Chat: 40 sends at once from one user; the surplus is answered with rate_limited.
  const chat = new ChatClient(stack.url, victim.token);
  await chat.opened();
  await chat.next((f) => f.type === "welcome");
  for (let i = 0; i < 40; i++) chat.send({ type: "send", channel: "global", body: `flood ${i}`, nonce: String(i) });
  await until(() => chat.frames.filter((f) => (f.type === "message" && f.nonce) || (f.type === "error" && f.ref !== undefined) || f.type === "error").length >= 40, 20_000, "chat answers").catch(() => {});
  const accepted = chat.frames.filter((f) => f.type === "message" && f.message.body.startsWith("flood")).length;
  const limited = chat.frames.filter((f) => f.type === "error" && f.code === "rate_limited").length;
  chat.close();
  rows.push({
    part: "5 abuse (chat rate)",
    tried: "40 chat sends at once from one user",
    figure: `accepted ${accepted}, rate_limited ${limited}`,
    held: accepted <= 12 && accepted + limited === 40,
  });

  // Room: a flood of valid frames on one connection is closed with 4529; a fast typist is not.
  const owner = await api.user("RoomOwner");
  const roomId = await api.room(owner);
  const typist = roomClient(stack.url, roomId, owner.token);
  let typistCloses = 0;
  typist.provider.on("connection-close", (e: any) => e && typistCloses++);
  await until(() => typist.provider.synced, 30_000, "typist sync");
  const floodCode = await rawRoomSocket(stack.url, roomId, owner.token, 20_000, (flood) => {
    const step1 = syncStep1Frame(new Y.Doc()); // valid, cheap, answered every time
    for (let i = 0; i < 3_000; i++) flood.send(step1);
  });
  const text = typist.doc.getText("t");
  for (let i = 0; i < 100; i++) {
    text.insert(text.length, "x"); // ~25 keystrokes a second
    await sleep(40);
  }
  await sleep(500);
  typist.close();
  rows.push({
    part: "5 abuse (room frame rate)",
    tried: "3,000 frames at once on one room connection; 100 keystrokes at 25/s on another",
    figure: `flood closed with ${floodCode}; typist disconnects ${typistCloses}`,
    held: floodCode === 4529 && typistCloses === 0,
  });
  return rows;
}
