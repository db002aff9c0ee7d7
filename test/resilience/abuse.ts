// Part 5, abuse limits: login brute force per account and per address, the chat rate limit,
// and the room's per-connection frame budget. Runs last: it locks its test address out.
import { Api } from "./api.ts";
import { ChatClient, rawRoomSocket, roomClient, until } from "./clients.ts";
import type { Row } from "./run.ts";
import { sleep, type Stack } from "./stack.ts";

export async function abuseTest(stack: Stack): Promise<Row[]> {
  const api = new Api(stack.url);
  const rows: Row[] = [];
  const victim = await api.user("Victim");

  // Per account: five wrong passwords, then even the right one is refused for the window.
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) {
    const password = i === 6 ? victim.password : `wrong-${i}-guess`;
    statuses.push((await api.call("POST", "/api/auth/login", { body: { email: victim.email, password } })).status);
  }
  const firstAccount429 = statuses.indexOf(429) + 1;
  rows.push({
    part: "5 abuse (login, account)",
    tried: "7 sign-ins to one account, 6 wrong then the right password",
    figure: `statuses ${statuses.join(",")}; first 429 at attempt ${firstAccount429 || "never"}`,
    held: firstAccount429 > 0 && firstAccount429 <= 6 && statuses.at(-1) === 429,
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
    for (let i = 0; i < 3_000; i++) flood.send(new Uint8Array([0, 0, 1, 0]));
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
