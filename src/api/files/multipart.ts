// A streaming multipart/form-data reader. Text fields are small and buffered; the file
// part is handed on chunk by chunk, so an upload never sits in memory whole
// (a Worker has 128 MB, uploads may be 100 MB).
import { badRequest } from "../errors.ts";

type FilePart = { field: string; filename: string; contentType: string };
type FileSink = { write(chunk: Uint8Array): Promise<void> };
type MultipartHandlers = {
  onField(name: string, value: string): void;
  /** Called when a file part starts; returns where its bytes go. */
  onFile(part: FilePart): Promise<FileSink>;
};

const MAX_HEADER_BYTES = 16 * 1024;
const MAX_FIELD_BYTES = 4 * 1024;
const MAX_PREAMBLE_BYTES = 16 * 1024;
const encoder = new TextEncoder();
const CRLFCRLF = encoder.encode("\r\n\r\n");

export function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  outer: for (let i = haystack.indexOf(first!, from); i !== -1 && i <= last; i = haystack.indexOf(first!, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function parseHeaders(text: string): { name: string; filename: string | null; contentType: string } {
  const headers = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get("content-disposition") ?? "";
  const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) throw badRequest("A multipart part has no name.");
  const extended = /;\s*filename\*=(?:UTF-8|utf-8)''([^;]+)/.exec(disposition)?.[1];
  let filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1] ?? null;
  if (extended) {
    try {
      filename = decodeURIComponent(extended);
    } catch {
      // keep the plain filename
    }
  }
  return { name, filename, contentType: headers.get("content-type") ?? "application/octet-stream" };
}

/** Reads the whole body, calling the handlers part by part. Throws 400 on malformed input. */
export async function readMultipart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  handlers: MultipartHandlers,
): Promise<void> {
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const reader = body.getReader();
  // A leading CRLF lets the first boundary match the same delimiter as the others.
  let buffer: Uint8Array = encoder.encode("\r\n");
  const pull = async (): Promise<void> => {
    const { done, value } = await reader.read();
    if (done) throw badRequest("The multipart body ended early.");
    buffer = concat(buffer, value);
  };
  try {
    // Preamble: skip up to the first delimiter.
    let at = indexOf(buffer, delimiter);
    while (at === -1) {
      if (buffer.length > MAX_PREAMBLE_BYTES) throw badRequest("No multipart boundary found.");
      await pull();
      at = indexOf(buffer, delimiter);
    }
    buffer = buffer.slice(at + delimiter.length);
    for (;;) {
      while (buffer.length < 2) await pull();
      if (buffer[0] === 0x2d && buffer[1] === 0x2d) return; // "--": the closing delimiter
      if (buffer[0] !== 0x0d || buffer[1] !== 0x0a) throw badRequest("Malformed multipart boundary.");
      let end = indexOf(buffer, CRLFCRLF);
      while (end === -1) {
        if (buffer.length > MAX_HEADER_BYTES) throw badRequest("Multipart part headers are too long.");
        await pull();
        end = indexOf(buffer, CRLFCRLF);
      }
      const part = parseHeaders(new TextDecoder().decode(buffer.subarray(2, end)));
      buffer = buffer.slice(end + 4);

      let emit: (chunk: Uint8Array) => Promise<void>;
      let field: Uint8Array | null = null;
      if (part.filename !== null) {
        const sink = await handlers.onFile({ field: part.name, filename: part.filename, contentType: part.contentType });
        emit = (chunk) => sink.write(chunk);
      } else {
        field = new Uint8Array(0);
        emit = async (chunk) => {
          field = concat(field!, chunk);
          if (field.length > MAX_FIELD_BYTES) throw badRequest(`Field "${part.name}" is too long.`);
        };
      }
      // Body: pass bytes on, holding back a possible partial delimiter at the end.
      for (;;) {
        const next = indexOf(buffer, delimiter);
        if (next !== -1) {
          if (next > 0) await emit(buffer.subarray(0, next));
          buffer = buffer.slice(next + delimiter.length);
          break;
        }
        const safe = buffer.length - (delimiter.length - 1);
        if (safe > 0) {
          await emit(buffer.subarray(0, safe));
          buffer = buffer.slice(safe);
        }
        await pull();
      }
      if (field) handlers.onField(part.name, new TextDecoder().decode(field));
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * After refusing an upload, reads (and drops) a little more of the body so a client
 * that is still sending sees the error response instead of a reset; then gives up.
 */
export async function discardBody(body: ReadableStream<Uint8Array>, maxBytes = 1024 * 1024): Promise<void> {
  if (body.locked) return;
  const reader = body.getReader();
  try {
    for (let read = 0; read <= maxBytes; ) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.length;
    }
    await reader.cancel(new Error("upload refused"));
  } catch {
    // the client went away: nothing to drain
  }
}
