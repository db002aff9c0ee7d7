// Part 2, frame fuzz: an authorized editor sends random, truncated, oversized and
// protocol-violating frames to a room and to the chat socket while two honest users edit and
// chat. Honest users see no error and converge; the offender is closed with a policy code;
// the stored document holds exactly the honest edits.
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { syncUpdateFrame } from "../../src/rooms/frames.ts";
import { Api } from "./api.ts";
import { ChatClient, rawRoomSocket, roomClient, until, WebSocket } from "./clients.ts";
import type { Row } from "./run.ts";
import { sleep, type Stack } from "./stack.ts";

const ROOM_POLICY = new Set([4400, 4413, 4529]);
const rand = (n: number) => Math.floor(Math.random() * n);
const randomBytes = (n: number) => crypto.getRandomValues(new Uint8Array(n));

function frame(...parts: Array<(e: encoding.Encoder) => void>): Uint8Array {
  const e = encoding.createEncoder();
  for (const p of parts) p(e);
  return encoding.toUint8Array(e);
}

/** One hostile frame for a room; `valid` is a real update frame to truncate and corrupt. */
function roomGarbage(i: number, valid: Uint8Array): Uint8Array | string {
  switch (i % 10) {
    case 0: return randomBytes(rand(64));
    case 1: return valid.slice(0, 1 + rand(valid.length - 1)); // truncated
    case 2: return i % 200 === 2 ? new Uint8Array(1024 * 1024 + 1 + rand(1000)) : randomBytes(1000 + rand(60_000)); // oversized / big
    case 3: return frame((e) => encoding.writeVarUint(e, 0), (e) => encoding.writeVarUint(e, 3 + rand(100)), (e) => encoding.writeVarUint8Array(e, randomBytes(8))); // unknown sync step
    case 4: return frame((e) => encoding.writeVarUint(e, 0), (e) => encoding.writeVarUint(e, 2), (e) => encoding.writeVarUint8Array(e, randomBytes(4 + rand(200)))); // update of noise
    case 5: return new Uint8Array([...valid, ...randomBytes(1 + rand(8))]); // trailing bytes
    case 6: return frame((e) => encoding.writeVarUint(e, 1), (e) => encoding.writeVarUint8Array(e, frame((x) => encoding.writeVarUint(x, 1), (x) => encoding.writeVarUint(x, rand(1e9)), (x) => encoding.writeVarUint(x, 1), (x) => encoding.writeVarString(x, "{not json")))); // awareness with bad JSON
    case 7: return new Uint8Array(Array.from({ length: 12 }, () => 0xff)); // varint overflow
    case 8: return ["plain text", "__YPS:{not json", `__YPS:${"x".repeat(rand(2000))}`, "\u0000\uffff"][rand(4)]!;
    default: { const copy = valid.slice(); for (let k = 0; k < 3; k++) copy[rand(copy.length)] = rand(256); return copy; } // bit flips
  }
}

function chatGarbage(i: number): string | Buffer {
  switch (i % 8) {
    case 0: return "{not json";
    case 1: return JSON.stringify({ type: "send", channel: "global", body: 42 });
    case 2: return JSON.stringify({ type: "explode" });
    case 3: return JSON.stringify({ type: "send", channel: "global", body: "x".repeat(40_000) });
    case 4: return Buffer.from(randomBytes(1 + rand(100)));
    case 5: return JSON.stringify({ type: "subscribe", channel: "../../etc/passwd" });
    case 6: return JSON.stringify({ type: "history", channel: "global", limit: -1, extra: true });
    default: return String.fromCharCode(...Array.from({ length: 1 + rand(40) }, () => rand(0xd800)));
  }
}

export async function frameFuzz(stack: Stack, options: { frames: number }): Promise<Row[]> {
  const api = new Api(stack.url);
  const [alice, bob, mallory] = [await api.user("Alice"), await api.user("Bob"), await api.user("Mallory")];
  const roomId = await api.room(alice, [{ user: bob, role: "editor" }, { user: mallory, role: "editor" }]);
  const channel = `room:${roomId}`;

  // Honest users: edit and chat the whole time; every close or error they see is a failure.
  const honest = [alice, bob].map((user) => ({ user, room: roomClient(stack.url, roomId, user.token), chat: new ChatClient(stack.url, user.token) }));
  const honestProblems: string[] = [];
  for (const h of honest) {
    h.room.provider.on("connection-close", (event: any) => event && honestProblems.push(`room close ${event.code}`));
    h.chat.on((f) => f.type === "error" && honestProblems.push(`chat error ${f.code}`));
    await h.chat.opened();
    h.chat.send({ type: "subscribe", channel });
    await h.chat.next((f) => f.type === "subscribed");
    await until(() => h.room.provider.synced, 30_000, "honest sync");
  }
  let fuzzing = true;
  let honestSent = 0;
  const honestWork = honest.map(async (h, i) => {
    const text = h.room.doc.getText("honest");
    while (fuzzing) {
      text.insert(rand(text.length + 1), `${"ab"[i]}${honestSent}`);
      if (honestSent % 5 === 0) h.chat.send({ type: "send", channel, body: `honest ${i} ${honestSent}` });
      honestSent++;
      await sleep(700);
    }
  });

  const sample = new Y.Doc();
  sample.getText("honest").insert(0, "a valid update that is corrupted before sending");
  const valid = syncUpdateFrame(Y.encodeStateAsUpdate(sample));

  // Room: one hostile connection after another; each must end with a policy close code.
  const roomCodes = new Map<number, number>();
  let roomSent = 0;
  let roomConnections = 0;
  const deadline = Date.now() + 10 * 60_000;
  const offenders = Array.from({ length: 4 }, async () => {
    while (roomSent < options.frames && Date.now() < deadline) {
      roomConnections++;
      const code = await rawRoomSocket(stack.url, roomId, mallory.token, 5_000, (ws) => {
        // A few frames at a time: the first bad one closes the socket, the rest never land.
        for (let k = 0; k < 1 + rand(3) && roomSent < options.frames; k++) ws.send(roomGarbage(roomSent++, valid));
        setTimeout(() => ws.close(1000), 1_500);
      });
      roomCodes.set(code, (roomCodes.get(code) ?? 0) + 1);
    }
  });

  // Chat: garbage over a few sockets; each socket is answered with errors, then closed with 4400.
  const chatCodes = new Map<number, number>();
  let chatSent = 0;
  let chatErrors = 0;
  const chatOffender = (async () => {
    while (chatSent < options.frames && Date.now() < deadline) {
      const c = new ChatClient(stack.url, mallory.token);
      try {
        await c.opened();
      } catch {
        continue;
      }
      c.on((f) => f.type === "error" && chatErrors++);
      let sentHere = 0;
      for (let k = 0; k < 30 && chatSent < options.frames && c.ws.readyState === WebSocket.OPEN; k++) {
        c.ws.send(chatGarbage(chatSent++));
        sentHere++;
        await sleep(2);
      }
      // The server tolerates 20 malformed frames per socket; the last socket of the run may get
      // fewer when the frame budget runs out, and is then closed by us, not judged.
      if (sentHere <= 20) {
        c.close();
        continue;
      }
      await until(() => c.closeCode !== null, 5_000, "chat close").catch(() => c.close());
      await until(() => c.closeCode !== null, 3_000, "chat close").catch(() => {});
      chatCodes.set(c.closeCode ?? -1, (chatCodes.get(c.closeCode ?? -1) ?? 0) + 1);
    }
  })();
  await Promise.all([...offenders, chatOffender]);
  fuzzing = false;
  await Promise.all(honestWork);

  // Converge: both honest docs equal, and the stored document is exactly that.
  const [a, b] = honest.map((h) => h.room.doc);
  let converged = false;
  try {
    await until(() => Y.equalSnapshots(Y.snapshot(a!), Y.snapshot(b!)), 15_000, "honest convergence");
    converged = true;
  } catch {}
  const stored = new Uint8Array(await (await api.call("GET", `/api/rooms/${roomId}/document?format=yjs`, { token: alice.token })).arrayBuffer());
  const storedDoc = new Y.Doc();
  Y.applyUpdate(storedDoc, stored);
  const storedIsHonest = Y.equalSnapshots(Y.snapshot(storedDoc), Y.snapshot(a!)) && storedDoc.getText("honest").toString() === a!.getText("honest").toString();
  const healthy = await api.healthy();
  for (const h of honest) (h.room.close(), h.chat.close());

  const badRoomCodes = [...roomCodes].filter(([code]) => !ROOM_POLICY.has(code) && code !== 1000);
  const fmt = (m: Map<number, number>) => [...m].sort((x, y) => y[1] - x[1]).map(([c, n]) => `${c}x${n}`).join(" ");
  return [
    {
      part: "2 frame fuzz (room)",
      tried: `${roomSent} hostile frames over ${roomConnections} connections, 2 honest editors`,
      figure: `closes ${fmt(roomCodes)}; honest problems ${honestProblems.length}; converged ${converged}; stored doc = honest edits ${storedIsHonest}`,
      held: roomSent >= options.frames && badRoomCodes.length === 0 && honestProblems.length === 0 && converged && storedIsHonest && healthy,
    },
    {
      part: "2 frame fuzz (chat)",
      tried: `${chatSent} hostile frames to /api/chat`,
      figure: `error frames ${chatErrors}; closes ${fmt(chatCodes)}; honest chat errors ${honestProblems.filter((p) => p.startsWith("chat")).length}`,
      held: chatSent >= options.frames && [...chatCodes.keys()].every((c) => c === 4400) && honestProblems.length === 0,
    },
  ];
}
