// The automerge-paper trace (bench/fixtures, CC BY 4.0, josephg/editing-traces) as a list of
// patches, and helpers to replay it into a Y.Text.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import * as Y from "yjs";

const FIXTURE = new URL("../fixtures/automerge-paper.json.gz", import.meta.url);

export function loadTrace() {
  const trace = JSON.parse(gunzipSync(readFileSync(FIXTURE)).toString("utf8"));
  const ops = trace.txns.map((t) => t.patches);
  return { ops, endContent: trace.endContent };
}

/** Applies one transaction's patches; `offset` shifts positions, `clamp` keeps them in range. */
export function applyOp(text, patches, { offset = 0, clamp = false } = {}) {
  for (const [p, del, ins] of patches) {
    let pos = p + offset;
    let d = del;
    if (clamp) {
      pos = Math.min(pos, text.length);
      d = Math.min(d, text.length - pos);
    }
    if (d > 0) text.delete(pos, d);
    if (ins) text.insert(pos, ins);
  }
}

/** Builds the whole document `copies` times over (appended), returning one update per copy. */
export function buildDocument(ops, copies) {
  const doc = new Y.Doc();
  const text = doc.getText("text");
  const updates = [];
  for (let c = 0; c < copies; c++) {
    const before = Y.encodeStateVector(doc);
    const offset = text.length;
    doc.clientID = 1000 + c; // a fresh author per copy, as if pasted by another user
    for (const patches of ops) doc.transact(() => applyOp(text, patches, { offset }));
    updates.push(Y.encodeStateAsUpdate(doc, before));
  }
  return { doc, updates, length: text.length };
}
