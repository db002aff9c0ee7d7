// Big test documents (the automerge-paper trace replayed `copies` times, appended) take
// ~10 s per copy to build here, so their updates are cached in the OS temp directory.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as Y from "yjs";
import { buildDocument } from "./trace.mjs";

const dir = path.join(os.tmpdir(), "roomful-bench-cache");

export function cachedDocument(ops, copies, log = () => {}) {
  const file = path.join(dir, `automerge-paper-x${copies}-v1.bin`);
  let updates;
  if (existsSync(file)) {
    const bytes = readFileSync(file);
    updates = [];
    for (let at = 0; at < bytes.length; ) {
      const n = bytes.readUInt32LE(at);
      updates.push(new Uint8Array(bytes.subarray(at + 4, at + 4 + n)));
      at += 4 + n;
    }
  } else {
    log(`building the ${copies}x document (cached in ${dir})`);
    updates = buildDocument(ops, copies).updates;
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, Buffer.concat(updates.flatMap((u) => [Buffer.from(new Uint32Array([u.byteLength]).buffer), Buffer.from(u)])));
  }
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return { doc, updates, length: doc.getText("text").length };
}
