// The production client (scripts/build-client.ts: hashed chunks and the service worker), built
// against a dev stack's API and served by a plain static server on this machine, as a deploy
// serves it: the dev server has no service worker, so the offline tests need this one.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".map": "application/json" };

export type ShellServer = {
  /** `http://localhost:<port>`: the same site as the API's localhost URL, so the session cookie goes along. */
  url: string;
  /** Stops answering (the shell's host is gone, as well as the network). */
  stop: () => Promise<void>;
  /** Answers again on the same port. */
  start: () => Promise<void>;
  /** Serves a different build from now on, as a new deploy does. */
  redeploy: () => void;
  dispose: () => Promise<void>;
};

function build(apiUrl: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "roomful-shell-"));
  const built = spawnSync(path.join(ROOT, "node_modules/.bin/bun"), ["scripts/build-client.ts", dir], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", BUN_PUBLIC_BACKEND_URL: apiUrl },
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`client build failed:\n${built.stdout}\n${built.stderr}`);
  return dir;
}

export async function serveProductionShell(apiUrl: string): Promise<ShellServer> {
  let dir = build(apiUrl);
  const builds = [dir];

  const handler = (request: { url?: string }, response: import("node:http").ServerResponse) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const file = path.resolve(dir, `.${pathname}`);
    // A deployed SPA answers unknown paths with the document.
    const inside = file.startsWith(dir + path.sep) && statSync(file, { throwIfNoEntry: false })?.isFile();
    const served = inside ? file : path.join(dir, "index.html");
    response.writeHead(200, {
      "content-type": TYPES[path.extname(served)] ?? "application/octet-stream",
      // Like Workers static assets: revalidate every time; hashed names change per build.
      "cache-control": "public, max-age=0, must-revalidate",
    });
    response.end(readFileSync(served));
  };

  let server: Server = createServer(handler);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
    });
  const port = await listen(0);
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://localhost:${port}`,
    stop,
    start: async () => {
      server = createServer(handler);
      await listen(port);
    },
    redeploy: () => {
      // The API URL with a trailing slash (which the client strips) changes the bundle's bytes:
      // a new build of the same app.
      dir = build(`${apiUrl}/`);
      builds.push(dir);
    },
    dispose: async () => {
      if (server.listening) await stop();
      for (const built of builds) rmSync(built, { recursive: true, force: true });
    },
  };
}
