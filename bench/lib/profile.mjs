// CPU profiles of Roomful's workerd while the bench runs: BENCH_PROFILE=<dir> npm run bench -- --only=...
// writes one .cpuprofile per server lifetime (open them in Chrome DevTools) and prints the
// functions with the most self time.
import { writeFileSync } from "node:fs";
import path from "node:path";
import WS from "ws";
import { sleep } from "./util.mjs";

export const INSPECTOR_PORT = 9229;

async function connect(url) {
  for (let attempt = 0; ; attempt++) {
    try {
      const ws = new WS(url);
      await new Promise((resolve, reject) => {
        ws.once("open", resolve);
        ws.once("error", reject);
      });
      return ws;
    } catch (error) {
      if (attempt > 50) throw error;
      await sleep(100);
    }
  }
}

/** Starts sampling the Worker's isolate; `stop()` writes the profile and prints a summary. */
export async function startProfile(dir, label) {
  const ws = await connect(`ws://127.0.0.1:${INSPECTOR_PORT}/core:user:`);
  let nextId = 1;
  const pending = new Map();
  ws.on("message", (data) => {
    const reply = JSON.parse(String(data));
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  const call = (method, params = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 250 });
  await call("Profiler.start");
  return {
    async stop() {
      const { result } = await call("Profiler.stop");
      ws.close();
      const file = path.join(dir, `${label}.cpuprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
      console.error(`${file}\n${summarize(result.profile)}`);
    },
  };
}

function summarize(profile, top = 30) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (const id of profile.samples) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const key = `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + 1);
  }
  const total = profile.samples.length;
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, n]) => `${((100 * n) / total).toFixed(1).padStart(5)}%  ${key}`)
    .join("\n");
}
