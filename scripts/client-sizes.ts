// The client bundle's size per file, raw and gzip, named for what loads it: the entry (sign-in
// and the room list) or a lazy chunk (the room's editor), so a growing bundle shows in every build.
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import path from "node:path";

type Output = { path: string; kind: string };


const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`.padStart(11);

export function printClientSizes(outdir: string, outputs: Output[]): void {
  // What index.html references loads on every page; any other script is a lazy chunk.
  const html = readFileSync(path.join(outdir, "index.html"), "utf8");
  const referenced = new Set([...html.matchAll(/(?:src|href)="\.?\/?([^"]+)"/g)].map((match) => match[1]));
  const rows = outputs
    .filter((output) => output.kind !== "sourcemap")
    .map((output) => {
      const bytes = readFileSync(output.path);
      const name = path.relative(outdir, output.path);
      const loads = name === "index.html" ? "document" : referenced.has(name) ? "every page" : "lazy chunk";
      return { name, loads, raw: bytes.byteLength, gzip: gzipSync(bytes).byteLength };
    })
    .sort((a, b) => b.raw - a.raw);
  const width = Math.max(...rows.map((row) => row.name.length));
  console.log("Client bundle (every page: sign-in and the room list; lazy chunk: a room with its editor, fetched while idle):");
  for (const row of rows) console.log(`  ${row.name.padEnd(width)} ${kib(row.raw)} raw ${kib(row.gzip)} gzip  ${row.loads}`);
  const total = rows.reduce((sum, row) => ({ raw: sum.raw + row.raw, gzip: sum.gzip + row.gzip }), { raw: 0, gzip: 0 });
  console.log(`  ${"total".padEnd(width)} ${kib(total.raw)} raw ${kib(total.gzip)} gzip`);
}
