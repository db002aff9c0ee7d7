// Reference server 1: @y/websocket-server (the y-websocket protocol's own Node server), with a
// small file persistence so a restarted process can be cold-loaded like a room: the state is
// read synchronously when a document is first opened, and written when its last client leaves
// (and every 2 s while it changes, like a typical debounced save).
//   node bench/servers/y-websocket-server.mjs --port 8802 --state <dir>
import http from "node:http";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { WebSocketServer } from "ws";
import * as Y from "yjs";
import { setPersistence, setupWSConnection } from "@y/websocket-server/utils";

const { values } = parseArgs({ options: { port: { type: "string" }, state: { type: "string" } } });
const dir = path.resolve(values.state);
mkdirSync(dir, { recursive: true });
const file = (name) => path.join(dir, `${encodeURIComponent(name)}.bin`);
const save = (name, doc) => writeFileSync(file(name), Y.encodeStateAsUpdate(doc));

setPersistence({
  provider: null,
  bindState(name, doc) {
    if (existsSync(file(name))) Y.applyUpdate(doc, readFileSync(file(name)));
    let timer = null;
    doc.on("update", () => {
      timer ??= setTimeout(() => {
        timer = null;
        save(name, doc);
      }, 2_000);
    });
  },
  async writeState(name, doc) {
    save(name, doc);
  },
});

const wss = new WebSocketServer({ noServer: true });
wss.on("connection", setupWSConnection);
const server = http.createServer((_req, res) => res.end("okay"));
server.on("upgrade", (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req)));
server.listen(Number(values.port), "127.0.0.1", () => console.log(`READY ws://127.0.0.1:${values.port}`));
const stop = () => {
  server.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
