// Small helpers: timing, percentiles, bounded waits, child processes that print `READY <url>`.
import { spawn } from "node:child_process";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.now();

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summary(samples) {
  const s = Float64Array.from(samples).sort();
  const r = (x) => (x === null ? null : Math.round(x * 100) / 100);
  return { n: s.length, p50: r(percentile(s, 50)), p95: r(percentile(s, 95)), p99: r(percentile(s, 99)), max: r(s.at(-1) ?? null) };
}

export const median = (xs) => (xs.length ? summary(xs).p50 : null);

/** Polls `check` until it returns truthy or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(check, timeoutMs, what, everyMs = 20) {
  const deadline = now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** Starts a server process and resolves once it prints `READY <url>`. */
export function startProcess(name, args, { timeoutMs = 120_000, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? []), ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let log = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} did not start in ${timeoutMs} ms:\n${log.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk) => {
      log += chunk;
      if (log.length > 100_000) log = log.slice(-50_000);
      const m = /READY (\S+)/.exec(log);
      if (m && timer) {
        clearTimeout(timer);
        resolve({ name, child, url: m[1], stop: () => stopProcess(child), log: () => log });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (c) => {
      log += c;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${log.slice(-2000)}`));
    });
  });
}

export async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 8_000);
  await exited;
  clearTimeout(timer);
}
