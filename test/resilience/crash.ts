// Part 1, crash without loss: ten people type slices of a real editing trace into one room and
// chat while the runtime is `kill -9`ed at random moments. Whatever any client received from
// another must be in the final document and chat history.
//
// Each cycle uses brand-new clients (new Y.Docs): an author's own copy never re-sends an edit
// after the crash, so a stored-nothing bug cannot be healed by the author's resync.
import * as Y from "yjs";
import { Api, pool, type User } from "./api.ts";
import { contains, holder } from "./contained.ts";
import { applyPatch, ChatClient, roomClient, type RoomClient, tracePatches, until } from "./clients.ts";
import { sleep, type Stack } from "./stack.ts";

export type CrashResult = {
  cycles: number;
  typed: number;
  updatesReceived: number;
  updatesLost: number;
  messagesSent: number;
  messagesReceived: number;
  messagesLost: number;
  notes: string[];
};

const CLIENTS = 10;

export async function crashTest(stack: Stack, options: { cycles: number; minMs: number; maxMs: number }): Promise<CrashResult> {
  const api = new Api(stack.url);
  const users: User[] = [];
  for (let i = 0; i < CLIENTS; i++) users.push(await api.user(`Typist${i}`));
  const roomId = await api.room(users[0]!, users.slice(1).map((user) => ({ user, role: "editor" as const })));
  const channel = `room:${roomId}`;
  const patches = tracePatches();
  let cursor = 0;

  const received: Uint8Array[] = [];
  const chatErrors = new Map<string, number>();
  const messages = new Map<string, string>(); // id -> body, received by someone other than the author
  const result: CrashResult = { cycles: 0, typed: 0, updatesReceived: 0, updatesLost: 0, messagesSent: 0, messagesReceived: 0, messagesLost: 0, notes: [] };

  for (let cycle = 0; cycle < options.cycles; cycle++) {
    const rooms: RoomClient[] = [];
    const chats: ChatClient[] = [];
    await pool(users, CLIENTS, async (user, i) => {
      const client = roomClient(stack.url, roomId, user.token);
      client.doc.on("update", (update: Uint8Array, origin: unknown) => {
        if (origin === client.provider) received.push(update);
      });
      rooms[i] = client;
      const chat = new ChatClient(stack.url, user.token);
      chats[i] = chat;
      chat.on((frame) => {
        if (frame.type === "error") chatErrors.set(frame.code, (chatErrors.get(frame.code) ?? 0) + 1);
        if (frame.type === "message" && frame.message.channel === channel && frame.message.userId !== user.id) {
          messages.set(frame.message.id, frame.message.body);
        }
      });
      await chat.opened();
      await chat.next((f) => f.type === "welcome");
      chat.send({ type: "subscribe", channel });
      await chat.next((f) => f.type === "subscribed");
      await until(() => client.provider.synced, 30_000, "room sync");
    });

    // Type and chat until a random moment, then crash mid-stream.
    const runFor = options.minMs + Math.random() * (options.maxMs - options.minMs);
    const stopAt = Date.now() + runFor;
    let killed = false;
    const killer = (async () => {
      await sleep(runFor);
      killed = true;
      await stack.kill();
    })();
    await Promise.all(
      rooms.map(async (client, i) => {
        const text = client.doc.getText("trace");
        let nextChat = Date.now() + Math.random() * 600;
        while (!killed && Date.now() < stopAt + 1_000) {
          const patch = patches[cursor++ % patches.length]!;
          applyPatch(text, patch);
          result.typed++;
          if (Date.now() >= nextChat) {
            chats[i]!.send({ type: "send", channel, body: `cycle ${cycle} from ${i} at ${Date.now()}` });
            result.messagesSent++;
            nextChat = Date.now() + 600; // under the 2/s chat rate limit
          }
          await sleep(60 + Math.random() * 60);
        }
      }),
    );
    await killer;
    for (const client of rooms) client.close();
    for (const chat of chats) chat.close();
    await stack.start();
    result.cycles++;
  }

  // A fresh client after the last restart: its document must hold every received update.
  const fresh = roomClient(stack.url, roomId, users[0]!.token);
  await until(() => fresh.provider.synced, 30_000, "final sync");
  const final = fresh.doc;
  const stored = holder(final);
  result.updatesLost = received.filter((update) => !contains(stored, update)).length;
  result.updatesReceived = received.length;
  // Cross-check the whole: applying every received update to the final document changes nothing.
  // (One by one: Y.mergeUpdates is quadratic in its inputs, and 20 cycles receive tens of thousands.)
  const check = new Y.Doc();
  Y.applyUpdate(check, Y.encodeStateAsUpdate(final));
  check.transact(() => {
    for (const update of received) Y.applyUpdate(check, update);
  });
  if (!Y.equalSnapshots(Y.snapshot(check), Y.snapshot(final))) result.notes.push("received updates are not all contained in the final document");
  fresh.close();

  // Chat history, paged from the newest back.
  const storedMessages = new Set<string>();
  let before: number | null = null;
  for (let page = 0; page < 200; page++) {
    const query: string = before === null ? "limit=100" : `limit=100&before=${before}`;
    const body: any = await api.ok("GET", `/api/rooms/${roomId}/messages?${query}`, { token: users[0]!.token });
    for (const m of body.messages) storedMessages.add(m.id);
    if (body.nextBefore === null) break;
    before = body.nextBefore;
  }
  result.messagesReceived = messages.size;
  if (chatErrors.size) result.notes.push(`chat errors: ${JSON.stringify(Object.fromEntries(chatErrors))}`);
  result.messagesLost = [...messages.keys()].filter((id) => !storedMessages.has(id)).length;
  return result;
}
