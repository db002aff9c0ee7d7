// Reference server 2: Hocuspocus 4. Its SQLite extension needs a native module (npm blocks
// install scripts here), so documents live in memory and are saved as Yjs state files through
// the standard onLoadDocument / onStoreDocument hooks (Hocuspocus debounces stores: 2 s, at most 10 s).
//   node bench/servers/hocuspocus.mjs --port 8803 --state <dir>
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import * as Y from "yjs";
import { Server } from "@hocuspocus/server";

const { values } = parseArgs({ options: { port: { type: "string" }, state: { type: "string" } } });
const dir = path.resolve(values.state);
mkdirSync(dir, { recursive: true });
const file = (name) => path.join(dir, `${encodeURIComponent(name)}.bin`);

const server = new Server({
  port: Number(values.port),
  address: "127.0.0.1",
  quiet: true,
  async onLoadDocument({ document, documentName }) {
    if (existsSync(file(documentName))) Y.applyUpdate(document, readFileSync(file(documentName)));
    return document;
  },
  async onStoreDocument({ document, documentName }) {
    writeFileSync(file(documentName), Y.encodeStateAsUpdate(document));
  },
});
await server.listen();
console.log(`READY ws://127.0.0.1:${values.port}`);
const stop = async () => {
  await server.destroy();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
