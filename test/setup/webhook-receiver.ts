// A real HTTP receiver for webhook tests, on 127.0.0.1 in the host's Node (tests run inside
// workerd, which cannot listen): started once per run, its URL handed to tests as
// inject("webhookReceiver"). Each test uses its own bin (/hooks/<bin>), scripted through /control/<bin>.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

type Attempt = { deliveryId: string; signature: string; event: string; body: string; status: number };
type Bin = { failuresLeft: number; redirect: boolean; attempts: Attempt[] };

declare module "vitest" {
  export interface ProvidedContext {
    webhookReceiver: string;
  }
}

const bins = new Map<string, Bin>();
const binOf = (name: string): Bin => {
  let bin = bins.get(name);
  if (!bin) bins.set(name, (bin = { failuresLeft: 0, redirect: false, attempts: [] }));
  return bin;
};

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export default async function setup(project: TestProject) {
  const server = createServer(async (request, response) => {
    const [, kind, name] = (request.url ?? "").split("?")[0]!.split("/");
    const body = await bodyOf(request);
    if (!name) return void response.writeHead(404).end();
    const bin = binOf(name);
    if (kind === "control" && request.method === "POST") {
      const script = JSON.parse(body || "{}") as { failures?: number; redirect?: boolean };
      bin.failuresLeft = script.failures ?? 0;
      bin.redirect = script.redirect ?? false;
      return void response.writeHead(204).end();
    }
    if (kind === "control") {
      response.writeHead(200, { "content-type": "application/json" });
      return void response.end(JSON.stringify(bin));
    }
    if (kind !== "hooks") return void response.writeHead(404).end();
    const status = bin.redirect ? 302 : bin.failuresLeft > 0 ? 500 : 200;
    if (status === 500) bin.failuresLeft--;
    bin.attempts.push({
      deliveryId: String(request.headers["x-roomful-delivery"] ?? ""),
      signature: String(request.headers["x-roomful-signature"] ?? ""),
      event: String(request.headers["x-roomful-event"] ?? ""),
      body,
      status,
    });
    if (status === 302) return void response.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    response.writeHead(status).end(status === 200 ? "ok" : "not now");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  project.provide("webhookReceiver", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
