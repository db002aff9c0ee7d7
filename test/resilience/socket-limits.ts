// Part 8, sockets against the real runtime: revoking a credential closes the room and chat
// sockets it opened within seconds (4403); 400 `view` frames from one user reach others as a
// few coalesced presence broadcasts, not 400; and one user's 50 chat sockets leave only the
// newest 8 open (the rest closed 4429).
import WS from "ws";
import { CONFIG_DEFAULTS } from "../../src/core/config.ts";
import { Api, type User } from "./api.ts";
import { ChatClient, until, WebSocket } from "./clients.ts";
import type { Row } from "./run.ts";
import { sleep, type Stack } from "./stack.ts";

// The stack runs with the defaults (stack.ts passes no --var).
const MAX_SOCKETS_PER_USER = CONFIG_DEFAULTS.CHAT_SOCKETS_PER_USER;
/**
 * Locally, when an object closes a socket from outside that socket's own event (an RPC, another
 * socket's connect), the close frame reaches the client at once but workerd leaves the TCP
 * connection open, so `ws` reports the close only after its close timeout (30 s by default).
 * Chromium gives up waiting after 2 s (kUnderlyingConnectionCloseTimeout); so do these sockets.
 */
const CLOSE_TIMEOUT_MS = 2_000;

export async function socketLimitsTest(stack: Stack): Promise<Row[]> {
  const api = new Api(stack.url);
  return [...(await revocation(api, stack)), await viewFlood(api, stack), await socketCap(api, stack)];
}

type Closed = { code: number; at: number; frameAt: number };

/**
 * A socket with whatever credentials: `?token=` or a session cookie. `closedWith` resolves with
 * the close code, when the close event fired (`at`) and when the server's close frame arrived
 * (`frameAt`: ws turns CLOSING then; sampled every 10 ms).
 */
function openSocket(url: string, cookie?: string): { ws: WS; opened: Promise<void>; closedWith: Promise<Closed> } {
  // closeTimeout is a ws option its type definitions lack.
  const options: WS.ClientOptions & { closeTimeout: number } = { closeTimeout: CLOSE_TIMEOUT_MS, ...(cookie && { headers: { cookie } }) };
  const ws = new WebSocket(url, undefined, options);
  ws.on("error", () => {});
  const opened = new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade ${res.statusCode}`)));
  });
  let frameAt = 0;
  const sampler = setInterval(() => {
    if (!frameAt && ws.readyState >= WS.CLOSING) frameAt = Date.now();
  }, 10);
  const closedWith = new Promise<Closed>((resolve) =>
    ws.on("close", (code) => {
      clearInterval(sampler);
      resolve({ code, at: Date.now(), frameAt: frameAt || Date.now() });
    }),
  );
  return { ws, opened, closedWith };
}

async function revocation(api: Api, stack: Stack): Promise<Row[]> {
  const ws = stack.url.replace(/^http/, "ws");
  const owner = await api.user("RevokeOwner");
  const member = await api.user("Revoked");
  const roomId = await api.room(owner, [{ user: member, role: "editor" }]);
  const rows: Row[] = [];

  // Token revocation: the token's room and chat sockets close; the session's stay.
  const { token } = await api.ok("POST", "/api/tokens", { cookie: member.cookie, body: { name: "probe" } });
  const byToken = [openSocket(`${ws}/parties/room/${roomId}?token=${token.secret}`), openSocket(`${ws}/api/chat?token=${token.secret}`)];
  const bySession = [openSocket(`${ws}/parties/room/${roomId}`, member.cookie), openSocket(`${ws}/api/chat`, member.cookie)];
  await Promise.all([...byToken, ...bySession].map((s) => s.opened));
  const revokedAt = Date.now();
  const revoked = await api.call("DELETE", `/api/tokens/${token.id}`, { cookie: member.cookie });
  const tokenCloses = await Promise.race([Promise.all(byToken.map((s) => s.closedWith)), sleep(5_000).then(() => null)]);
  await sleep(300);
  const sessionOpen = bySession.filter((s) => s.ws.readyState === WS.OPEN).length;
  rows.push({
    part: "8 revocation (token)",
    tried: "revoke a token with an open room socket and chat socket; the session's two sockets stay",
    figure: tokenCloses
      ? `DELETE ${revoked.status}; closes ${tokenCloses.map((c) => c.code).join(",")}; close frames after ${Math.max(...tokenCloses.map((c) => c.frameAt)) - revokedAt} ms (close events ${Math.max(...tokenCloses.map((c) => c.at)) - revokedAt} ms); session sockets open ${sessionOpen}/2`
      : `DELETE ${revoked.status}; sockets still open after 5 s`,
    held: revoked.status === 204 && !!tokenCloses && tokenCloses.every((c) => c.code === 4403) && Math.max(...tokenCloses.map((c) => c.frameAt)) - revokedAt < 2_000 && sessionOpen === 2,
  });

  // Logout: the session's sockets close, and an edit cannot follow.
  const loggedOutAt = Date.now();
  const logout = await api.call("POST", "/api/auth/logout", { cookie: member.cookie });
  const sessionCloses = await Promise.race([Promise.all(bySession.map((s) => s.closedWith)), sleep(5_000).then(() => null)]);
  const again = openSocket(`${ws}/parties/room/${roomId}`, member.cookie);
  const reopened = await again.opened.then(() => "opened", (error: Error) => error.message);
  again.ws.terminate();
  rows.push({
    part: "8 revocation (logout)",
    tried: "log out with an open room socket and chat socket, then reconnect with the old cookie",
    figure: sessionCloses
      ? `logout ${logout.status}; closes ${sessionCloses.map((c) => c.code).join(",")}; close frames after ${Math.max(...sessionCloses.map((c) => c.frameAt)) - loggedOutAt} ms (close events ${Math.max(...sessionCloses.map((c) => c.at)) - loggedOutAt} ms); reconnect: ${reopened}`
      : `logout ${logout.status}; sockets still open after 5 s`,
    held: logout.status === 204 && !!sessionCloses && sessionCloses.every((c) => c.code === 4403) && Math.max(...sessionCloses.map((c) => c.frameAt)) - loggedOutAt < 2_000 && reopened === "upgrade 401",
  });
  return rows;
}

async function viewFlood(api: Api, stack: Stack): Promise<Row> {
  const flooder = await api.user("ViewFlooder");
  const observer = await api.user("ViewObserver");
  const rooms = [await api.room(flooder, [], "public"), await api.room(flooder, [], "public")];
  const watching = new ChatClient(stack.url, observer.token);
  await watching.opened();
  await watching.next((f) => f.type === "welcome");
  const flooding = new ChatClient(stack.url, flooder.token);
  await flooding.opened();
  await watching.next((f) => f.type === "presence" && f.user.id === flooder.id);
  for (let i = 0; i < 400; i++) flooding.send({ type: "view", room: rooms[i % 2] });
  // Answers come only for refused frames; wait until the flood is handled, then for the trailing flush.
  await until(() => flooding.frames.filter((f) => f.type === "error").length > 0, 20_000, "flood handled").catch(() => {});
  await sleep(1_500);
  const updates = watching.frames.filter((f) => f.type === "presence" && f.event === "update" && f.user.id === flooder.id);
  const limited = flooding.frames.filter((f) => f.type === "error" && f.code === "rate_limited").length;
  flooding.close();
  watching.close();
  return {
    part: "8 presence flood",
    tried: "400 view frames at once from one user, watched by another",
    figure: `presence updates broadcast ${updates.length}; frames refused rate_limited ${limited}`,
    held: updates.length > 0 && updates.length <= 20 && limited > 0,
  };
}

async function socketCap(api: Api, stack: Stack): Promise<Row> {
  const user: User = await api.user("ManyTabs");
  const url = `${stack.url.replace(/^http/, "ws")}/api/chat?token=${user.token}`;
  const sockets: Array<ReturnType<typeof openSocket> & { code: number | null }> = [];
  for (let i = 0; i < 50; i++) {
    const socket = { ...openSocket(url), code: null as number | null };
    await socket.opened;
    void socket.closedWith.then(({ code }) => (socket.code = code));
    sockets.push(socket);
  }
  await until(() => sockets.filter((s) => s.code !== null).length >= 50 - MAX_SOCKETS_PER_USER, CLOSE_TIMEOUT_MS + 10_000, "oldest closed").catch(() => {});
  const open = sockets.filter((s) => s.code === null);
  const codes = new Map<number, number>();
  for (const s of sockets) if (s.code !== null) codes.set(s.code, (codes.get(s.code) ?? 0) + 1);
  const newestOpen = sockets.slice(-MAX_SOCKETS_PER_USER).every((s) => s.code === null);
  for (const s of open) s.ws.close(1000);
  return {
    part: "8 chat socket cap",
    tried: "50 chat sockets opened one after another by one user",
    figure: `open ${open.length}; closes ${[...codes].map(([code, n]) => `${code}x${n}`).join(", ")}; newest ${MAX_SOCKETS_PER_USER} open: ${newestOpen ? "yes" : "no"}`,
    held: open.length === MAX_SOCKETS_PER_USER && newestOpen && codes.get(4429) === 50 - MAX_SOCKETS_PER_USER,
  };
}
