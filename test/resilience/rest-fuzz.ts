// Part 3, REST fuzz: every route in /api/openapi.json with malformed JSON, wrong types, missing
// and extra fields, huge bodies, traversal and control characters in path parts, odd unicode and
// bad multipart. Only 2xx and 4xx JSON errors may come back, never a 5xx; health stays ok.
// Connection resets are transport, not answers: counted and shown apart, never as a 5xx.
// Then a probe: a 300 MiB chunked body to the login route must be a 413 after about the cap,
// with workerd's memory flat.
import http from "node:http";
import { Api, ADMIN_TOKEN, pool } from "./api.ts";
import type { Row } from "./run.ts";
import type { Stack } from "./stack.ts";

type Op = { method: string; path: string; params: string[]; query: Array<{ name: string }>; body?: { properties?: Record<string, any>; required?: string[] } };

const ODD_SEGMENTS = [
  "../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e", "%00", "a%0d%0aSet-Cookie:%20x=1", "%ff%fe", "%F0%9F%92%A9",
  "%E2%80%AE%E2%80%8B", "x".repeat(3000), "00000000-0000-0000-0000-000000000000", "null", "-1", "1e309", "%25%32%65",
];
const ODD_VALUES: unknown[] = [null, 0, -1, 1e308, "", " ", "\u0000", "\u202e\u200b𝕏", "../../x", "x".repeat(100_000), true, [], {}, [1, 2], { $ne: 1 }];

function bodies(op: Op): Array<{ what: string; raw: string | FormData | Uint8Array; type?: string }> {
  const props = op.body?.properties ?? {};
  const sample: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(props)) sample[k] = p?.type === "number" || p?.type === "integer" ? 1 : p?.type === "boolean" ? true : p?.enum ? p.enum[0] : p?.type === "array" ? [] : "fuzz";
  const out: Array<{ what: string; raw: string | FormData | Uint8Array; type?: string }> = [
    { what: "malformed JSON", raw: '{"a": 1,', type: "application/json" },
    { what: "JSON null", raw: "null", type: "application/json" },
    { what: "JSON array", raw: "[1,2,3]", type: "application/json" },
    { what: "JSON string", raw: '"x"', type: "application/json" },
    { what: "empty body", raw: "", type: "application/json" },
    { what: "missing fields", raw: "{}", type: "application/json" },
    { what: "extra fields", raw: JSON.stringify({ ...sample, extra: 1, __proto__x: { admin: true } }), type: "application/json" },
    { what: "deep nesting", raw: "[".repeat(5000) + "]".repeat(5000), type: "application/json" },
    { what: "huge body (3 MB)", raw: JSON.stringify({ ...sample, pad: "x".repeat(3 * 1024 * 1024) }), type: "application/json" },
    { what: "binary as JSON", raw: crypto.getRandomValues(new Uint8Array(256)), type: "application/json" },
    { what: "wrong content type", raw: "name=x", type: "application/x-www-form-urlencoded" },
    { what: "bad multipart boundary", raw: "--nope\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc", type: "multipart/form-data; boundary=other" },
    { what: "multipart without boundary", raw: "abc", type: "multipart/form-data" },
    { what: "unicode text", raw: "\u202e\ud83d\ude00\u0000 # heading\n\n<script>x</script>", type: "text/markdown" },
  ];
  const form = new FormData();
  form.append("file", new Blob(["data"]), "..\u0000/\u202e../../etc/passwd");
  form.append("roomId", "../../x");
  form.append("visibility", "\u0000");
  out.push({ what: "hostile multipart", raw: form });
  const noFile = new FormData();
  noFile.append("notfile", "x");
  out.push({ what: "multipart without file", raw: noFile });
  for (const [k] of Object.entries(props)) {
    for (const v of ODD_VALUES) out.push({ what: `${k}=${JSON.stringify(v)?.slice(0, 20)}`, raw: JSON.stringify({ ...sample, [k]: v }), type: "application/json" });
  }
  return out;
}

// Failed sign-ins from the fuzz count against this address, not the one other parts log in from.
const FUZZ_ADDRESS = "203.0.113.7";
const ci5 = Number(process.env.RESILIENCE_SHOW ?? 3);
export async function restFuzz(stack: Stack, options: { perRoute: number }): Promise<Row[]> {
  const api = new Api(stack.url);
  // First, while workerd's memory is a clean baseline (and before the fuzz deletes accounts).
  const probe = await bigBodyProbe(stack, api);
  const owner = await api.user("Fuzzer");
  const roomId = await api.room(owner);
  const spec: any = await api.ok("GET", "/api/openapi.json");
  const ops: Op[] = [];
  for (const [path, methods] of Object.entries<any>(spec.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      if (path === "/api/chat") continue; // the WebSocket: fuzzed in part 2
      ops.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).filter((p: any) => p.in === "path").map((p: any) => p.name),
        query: (op.parameters ?? []).filter((p: any) => p.in === "query"),
        body: op.requestBody?.content?.["application/json"]?.schema,
      });
    }
  }
  // Destructive routes last, so the fuzzer's own room and account stay for the others.
  ops.sort((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));

  let requests = 0;
  const retried: string[] = [];
  const resets: string[] = [];
  const fiveXX: string[] = [];
  const notJson: string[] = [];
  for (const op of ops) {
    const cases: Array<() => Promise<void>> = [];
    const fill = (segment: (name: string) => string) => op.path.replace(/\{(\w+)\}/g, (_, name) => segment(name));
    const realId = (name: string) => (name === "id" && op.path.startsWith("/api/rooms") ? roomId : name === "id" && op.path.startsWith("/api/users") ? owner.id : crypto.randomUUID());
    const send = async (what: string, path: string, init: { raw?: string | FormData | Uint8Array; type?: string; token?: string }) => {
      requests++;
      let response: Response;
      const attempt = () => api.call(op.method, path, { token: init.token, raw: init.raw as BodyInit, headers: { ...(init.type && { "content-type": init.type }), "cf-connecting-ip": FUZZ_ADDRESS } });
      const isReset = (error: any) => /ECONNRESET|EPIPE|socket hang up|other side closed/.test(`${error?.message} ${error?.cause}`);
      try {
        // A server that answers before reading a huge body closes that keep-alive connection; a
        // request undici had queued on it is reset. Retried once: that is transport, not the app.
        response = await attempt().catch((error) => {
          if (!isReset(error)) throw error;
          retried.push(`${op.method} ${op.path} [${what}]`);
          return attempt();
        });
      } catch (error) {
        const line = `${op.method} ${op.path} [${what}]: ${(error as Error).message} ${String((error as any).cause ?? "")}`;
        (isReset(error) ? resets : fiveXX).push(line);
        return;
      }
      const text = await response.text();
      if (response.status >= 500) fiveXX.push(`${op.method} ${op.path} [${what}] -> ${response.status} ${text.slice(0, 120)}`);
      else if (response.status >= 400) {
        try {
          if (typeof JSON.parse(text)?.error?.code !== "string") throw new Error();
        } catch {
          notJson.push(`${op.method} ${op.path} [${what}] -> ${response.status}`);
        }
      }
    };
    for (const segment of ODD_SEGMENTS) if (op.params.length) cases.push(() => send(`path ${segment.slice(0, 16)}`, fill(() => segment), { token: owner.token }));
    for (const q of op.query) for (const v of ["-1", "abc", "%00", "9".repeat(400), "%E2%80%AE", "[]"]) cases.push(() => send(`query ${q.name}=${v.slice(0, 10)}`, `${fill(realId)}?${q.name}=${v}`, { token: owner.token }));
    if (op.method !== "GET") {
      for (const b of bodies(op)) cases.push(() => send(b.what, fill(realId), { raw: b.raw, type: b.type, token: owner.token }));
      // Also as admin, which gets past every permission check into validation.
      for (const b of bodies(op).slice(0, 14)) cases.push(() => send(`admin ${b.what}`, fill(realId), { raw: b.raw, type: b.type, token: ADMIN_TOKEN }));
    }
    cases.push(() => send("odd auth header", fill(realId), { token: "rf_%00\u00e9\u00ff" }));
    // Bounded per route: a random sample when there are more cases than the budget.
    const chosen = cases.sort(() => Math.random() - 0.5).slice(0, options.perRoute);
    await pool(chosen, 4, (run) => run());
  }
  const healthy = await api.healthy();
  return [
    {
      part: "3 REST fuzz",
      tried: `${requests} hostile requests over ${ops.length} routes`,
      figure: `5xx ${fiveXX.length}${fiveXX.length ? ` (${fiveXX.slice(0, ci5).join("; ")})` : ""}; non-JSON errors ${notJson.length}${notJson.length ? ` (${notJson.slice(0, 3).join("; ")})` : ""}; health ${healthy ? "ok" : "DOWN"}; connection resets ${retried.length} retried${retried.length ? ` (${retried.slice(0, ci5).join("; ")})` : ""}, ${resets.length} twice${resets.length ? ` (${resets.slice(0, ci5).join("; ")})` : ""}`,
      held: fiveXX.length === 0 && notJson.length === 0 && healthy,
    },
    probe,
  ];
}

type Answer = { status: number; body: string; sentBytes: number; error?: string };

/**
 * Streams up to `totalBytes` as a chunked body (or with a Content-Length) and stops sending
 * as soon as an answer arrives, as a real client would.
 */
function streamBody(url: string, method: string, headers: Record<string, string>, totalBytes: number, chunked: boolean): Promise<Answer> {
  return new Promise((resolve) => {
    const request = http.request(url, { method, headers: chunked ? headers : { ...headers, "content-length": String(totalBytes) }, agent: false });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sentBytes = 0;
    let answered = false;
    request.on("response", (response) => {
      answered = true;
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (text: string) => (body += text));
      response.on("end", () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body, sentBytes });
      });
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (!answered) resolve({ status: 0, body: "", sentBytes, error: error.code ?? error.message });
    });
    const pump = () => {
      while (!answered && sentBytes < totalBytes) {
        const part = chunk.subarray(0, Math.min(chunk.length, totalBytes - sentBytes));
        sentBytes += part.length;
        if (!request.write(part)) return void request.once("drain", pump);
      }
      if (!answered) request.end();
    };
    pump();
  });
}

const MiB = 1024 * 1024;
const codeOf = (answer: Answer) => {
  try {
    return String(JSON.parse(answer.body)?.error?.code);
  } catch {
    return "not JSON";
  }
};

async function bigBodyProbe(stack: Stack, api: Api): Promise<Row> {
  const owner = await api.user("Prober");
  const rssBefore = stack.rss();
  const login = await streamBody(`${stack.url}/api/auth/login`, "POST", { "content-type": "application/json", "cf-connecting-ip": FUZZ_ADDRESS }, 300 * MiB, true);
  const rssAfter = stack.rss();
  // A body on a route that takes none: a 413, never a reset.
  const victimRoom = await api.room(owner);
  const strayBody = await streamBody(`${stack.url}/api/rooms/${victimRoom}`, "DELETE", { authorization: `Bearer ${owner.token}` }, 3 * MiB, false);
  const roomKept = (await api.call("GET", `/api/rooms/${victimRoom}`, { token: owner.token })).status === 200;
  const grewMiB = Math.round((rssAfter - rssBefore) / MiB);
  const describe = (a: Answer) => (a.error ? `reset (${a.error}) after ${Math.round(a.sentBytes / MiB)} MiB sent` : `${a.status} ${codeOf(a)} after ${Math.round(a.sentBytes / MiB)} MiB sent`);
  return {
    part: "3 REST fuzz (big bodies)",
    tried: "300 MiB chunked body to POST /api/auth/login; 3 MiB body to DELETE /api/rooms/:id",
    figure: `login ${describe(login)}; workerd RSS ${Math.round(rssBefore / MiB)} -> ${Math.round(rssAfter / MiB)} MiB; delete ${describe(strayBody)}, room ${roomKept ? "kept" : "GONE"}`,
    // Sent bytes are bounded by socket buffers too, so "about the cap" is judged loosely: far below 300 MiB.
    held: login.status === 413 && codeOf(login) === "payload_too_large" && login.sentBytes < 64 * MiB && grewMiB < 64 && strayBody.status === 413 && roomKept,
  };
}
