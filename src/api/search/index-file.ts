// Files are found by name, and small text-like files (text/*, Markdown, JSON, up to 1 MiB) by
// their text too. Called by the process-file job once it has read the bytes.
import type { FileRow } from "../../db/schema.ts";
import type { Env } from "../../env.ts";
import { upsertFileEntry } from "./index-jobs.ts";

export const MAX_TEXT_FILE_BYTES = 1024 * 1024;

function isTextLike(contentType: string, name: string): boolean {
  return /^text\//i.test(contentType) || /^application\/(json|[\w.+-]+\+json|markdown)\b/i.test(contentType) || /\.(md|markdown|txt|json|csv)$/i.test(name);
}

/** `bytes`: the whole file when the job read it all; text is taken only if it decodes as UTF-8. */
export async function indexFile(env: Env, file: FileRow, bytes: Uint8Array | undefined): Promise<void> {
  let text = "";
  if (bytes && bytes.length <= MAX_TEXT_FILE_BYTES && isTextLike(file.contentType, file.name)) {
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      text = ""; // binary under a text name: only the name is indexed
    }
  }
  await upsertFileEntry(env, file, text);
}
