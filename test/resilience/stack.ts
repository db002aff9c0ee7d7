// The local runtime under test: scripts/local/serve.ts (the production bundle in workerd) in
// its own process group, so `kill -9` of the whole tree is one call, as a crash would be.
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { heapAfterGc } from "../../scripts/local/inspect-heap.ts";

const root = path.resolve(import.meta.dirname, "../..");

export class Stack {
  #child: ChildProcess | null = null;
  #built = false;
  url = "";

  readonly port: number;
  readonly stateDir: string;
  readonly vars: string[];

  constructor(port: number, stateDir: string, vars: string[] = []) {
    this.port = port;
    this.stateDir = stateDir;
    this.vars = vars;
  }

  async start(timeoutMs = 120_000): Promise<string> {
    const args = [path.join(root, "scripts/local/serve.ts"), "--port", String(this.port), "--state", this.stateDir];
    args.push("--inspector-port", String(this.inspectorPort));
    if (this.#built) args.push("--no-build");
    for (const v of this.vars) args.push("--var", v);
    const child = spawn(process.execPath, args, { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    this.#child = child;
    let log = "";
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve.ts not ready in ${timeoutMs} ms:\n${log.slice(-2000)}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.length > 20_000) log = log.slice(-10_000);
        const match = /READY (\S+)/.exec(log);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`serve.ts exited (${code}) before READY:\n${log.slice(-2000)}`));
      });
    });
    // Keep draining output so the pipes never fill and block workerd.
    child.stdout!.removeAllListeners("data");
    child.stderr!.removeAllListeners("data");
    child.stdout!.on("data", () => {});
    child.stderr!.on("data", () => {});
    child.removeAllListeners("exit");
    this.#built = true;
    this.url = url.replace("localhost", "127.0.0.1");
    return this.url;
  }

  /** SIGKILL to the whole process group (node + workerd): no shutdown code runs. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child?.pid) return;
    const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await exited;
    // workerd may outlive node by a moment; wait until no process of the group is left.
    const deadline = Date.now() + 10_000;
    while (groupPids(child.pid).length > 0 && Date.now() < deadline) await sleep(50);
    this.#child = null;
  }

  /** Stops gracefully (SIGTERM, then SIGKILL after a grace period). */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child?.pid) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    const deadline = Date.now() + 5_000;
    while (groupPids(child.pid).length > 0 && Date.now() < deadline) await sleep(50);
    await this.kill();
  }

  /** Resident memory of the workerd process(es) of this stack, in bytes. */
  /** workerd's V8 inspector: the JS heap, as opposed to the process's RSS. */
  get inspectorPort(): number {
    return this.port + 1000;
  }

  /**
   * Live JS heap of every isolate in the runtime, after a full garbage collection: what the
   * app's code holds on to. RSS also counts what V8 and the allocator keep for reuse.
   */
  async jsHeapAfterGc(): Promise<number> {
    // "core:user:" is the app's isolate (the Worker and its objects); the rest are Miniflare's.
    return heapAfterGc(`ws://127.0.0.1:${this.inspectorPort}/core:user:`);
  }

  rss(): number {
    const pgid = this.#child?.pid;
    if (!pgid) return 0;
    let total = 0;
    for (const pid of groupPids(pgid)) {
      const status = readProc(pid, "status");
      if (!/^Name:\s*workerd/m.test(status)) continue;
      const kb = Number(/^VmRSS:\s*(\d+)/m.exec(status)?.[1] ?? 0);
      total += kb * 1024;
    }
    return total;
  }
}

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return "";
  }
}

/** Pids whose process group is `pgid` (field 5 of /proc/<pid>/stat). */
function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(Number(entry), "stat");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[0] is the state; a zombie no longer holds memory or ports.
    if (Number(fields[2]) === pgid && fields[0] !== "Z") pids.push(Number(entry));
  }
  return pids;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

