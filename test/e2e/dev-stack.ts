// Starts `npm run dev` on a stage of its own (fresh local state, no clash with a running
// dev server: alchemy picks free ports and prints them) and stops its whole process tree.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, rmSync } from "node:fs";
import path from "node:path";

export type DevStack = { webUrl: string; apiUrl: string; stop: () => Promise<void> };

const ROOT = path.resolve(import.meta.dirname, "../..");
const ANSI = /\x1B\[[0-9;]*[a-zA-Z]/g;

async function waitForOk(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250)); // polling interval, not a sync point
  }
  throw new Error(`${url} did not answer in time`);
}

/** `logFile` receives everything the stack prints (kept as a test artifact). */
export async function startDevStack(logFile: string, timeoutMs = 180_000): Promise<DevStack> {
  const stage = `e2e${Date.now().toString(36)}`;
  // detached: the child leads a new process group, so one kill reaches alchemy, workerd and bun.
  const child: ChildProcess = spawn("npm", ["run", "dev", "--", "--stage", stage], {
    cwd: ROOT,
    env: { ...process.env, CI: "true", FORCE_COLOR: "0" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const log = createWriteStream(logFile);
  const urls = new Promise<{ webUrl: string; apiUrl: string }>((resolve, reject) => {
    const found: { web?: string; api?: string } = {};
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // Processes of the group can still print after stop() closed the log.
      if (!log.writableEnded) log.write(chunk);
      const text = output.replace(ANSI, "");
      found.web ??= /Web app:\s+(\S+)/.exec(text)?.[1];
      found.api ??= /API:\s+(\S+)/.exec(text)?.[1];
      if (found.web && found.api) resolve({ webUrl: found.web.replace(/\/$/, ""), apiUrl: found.api.replace(/\/$/, "") });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`npm run dev exited (${code}):\n${output.slice(-4000)}`)));
  });

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
    rmSync(path.join(ROOT, ".alchemy", "roomful", stage), { recursive: true, force: true });
    rmSync(path.join(ROOT, ".alchemy", "pids", `roomful-website-${stage}.pid.json`), { force: true });
  };

  try {
    const deadline = Date.now() + timeoutMs;
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`dev stack not up in ${timeoutMs} ms:\n${output.slice(-4000)}`)), timeoutMs).unref(),
    );
    const { webUrl, apiUrl } = await Promise.race([urls, timeout]);
    await waitForOk(`${apiUrl}/api/health`, deadline);
    await waitForOk(`${webUrl}/`, deadline);
    return { webUrl, apiUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
