// Chat delivery (issue 14, item 4): `connections` chat sockets subscribed to one room's channel,
// messages posted over REST, and the time from each post until each socket has it. Three loads:
// four posters back to back (saturated), one message at a time, and paced at `rate` msgs/s.
import WS from "ws";
import { authorizedWebSocket } from "./lib/clients.mjs";
import { postChat } from "./lib/roomful.mjs";
import { now, pool, sleep, summary, waitFor } from "./lib/util.mjs";

/** base: Roomful's URL; token: a user's API token (every socket is that user). */
export async function chatDelivery({ base, token, roomId, connections, messages, rate, log = console.error }) {
  const channel = `room:${roomId}`;
  const sendAt = new Map();
  const latencies = [];
  let delivered = 0;
  let lastDelivery = 0;
  const sockets = await pool(Array.from({ length: connections }), 25, () =>
    new Promise((resolve, reject) => {
      const ws = new (authorizedWebSocket(token))(`${base.replace(/^http/, "ws")}/api/chat`);
      const timer = setTimeout(() => reject(new Error("chat socket timeout")), 30_000);
      ws.on("message", (data) => {
        const frame = JSON.parse(String(data));
        if (frame.type === "welcome") ws.send(JSON.stringify({ type: "subscribe", channel }));
        else if (frame.type === "subscribed") {
          clearTimeout(timer);
          resolve(ws);
        } else if (frame.type === "message" || frame.type === "messages") {
          // A burst ("messages") carries what arrived while the server was busy sending.
          for (const message of frame.type === "message" ? [frame.message] : frame.messages) {
            const t = sendAt.get(message.body);
            if (t === undefined) continue;
            lastDelivery = now();
            latencies.push(lastDelivery - t);
            delivered++;
          }
        }
      });
      ws.on("error", reject);
    }),
  );
  const held = sockets.filter((s) => s.readyState === WS.OPEN).length;
  const start = now();
  await pool(Array.from({ length: messages }, (_, i) => `bench message ${i}`), 4, async (body) => {
    sendAt.set(body, now());
    await postChat(base, roomId, body);
  });
  await waitFor(() => delivered >= messages * connections, 30_000, "chat deliveries").catch((e) => log(e.message));
  const seconds = (lastDelivery - start) / 1000;
  const loaded = summary(latencies);
  const loadedDelivered = delivered;
  // Then at low load: one message at a time, the next once every socket has the previous one.
  latencies.length = 0;
  for (let i = 0; i < 10; i++) {
    const target = delivered + connections;
    const body = `bench quiet message ${i}`;
    sendAt.set(body, now());
    await postChat(base, roomId, body);
    await waitFor(() => delivered >= target, 10_000, "a quiet chat delivery", 1).catch((e) => log(e.message));
  }
  const quietLatency = summary(latencies);
  // And at a steady rate (open loop: each post at its time, whether or not the last was answered),
  // the chat rate the issue was filed at: latency at a given load, not at saturation.
  latencies.length = 0;
  const target = delivered + messages * connections;
  const paceStart = now();
  const posts = [];
  for (let i = 0; i < messages; i++) {
    const due = paceStart + (i * 1000) / rate;
    if (due > now()) await sleep(due - now());
    const body = `bench paced message ${i}`;
    sendAt.set(body, now());
    posts.push(postChat(base, roomId, body));
  }
  await Promise.all(posts);
  await waitFor(() => delivered >= target, 30_000, "paced chat deliveries").catch((e) => log(e.message));
  const pacedLatency = summary(latencies);
  for (const s of sockets) s.close();
  return { held, messagesPerSecond: Math.round(messages / seconds), deliveriesPerSecond: Math.round(loadedDelivered / seconds), delivered: loadedDelivered, expected: messages * connections, latency: loaded, quietLatency, pacedLatency };
}
