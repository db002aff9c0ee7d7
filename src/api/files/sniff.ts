// What a file really is, from its first bytes (never from its name or the client's
// Content-Type), and an image's dimensions from its header.

type Sniffed = { type: string; width?: number; height?: number };

const startsWith = (bytes: Uint8Array, signature: number[], at = 0) =>
  signature.every((byte, i) => bytes[at + i] === byte);
const ascii = (text: string) => [...text].map((ch) => ch.charCodeAt(0));

function jpegSize(b: Uint8Array): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    const length = (b[i + 2]! << 8) | b[i + 3]!;
    // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (b[i + 5]! << 8) | b[i + 6]!, width: (b[i + 7]! << 8) | b[i + 8]! };
    }
    i += 2 + length;
  }
  return undefined;
}

function webpSize(b: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 30) return undefined;
  if (startsWith(b, ascii("VP8 "), 12)) {
    return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (startsWith(b, ascii("VP8L"), 12)) {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (startsWith(b, ascii("VP8X"), 12)) {
    const w = b[24]! | (b[25]! << 8) | (b[26]! << 16);
    const h = b[27]! | (b[28]! << 8) | (b[29]! << 16);
    return { width: w + 1, height: h + 1 };
  }
  return undefined;
}

function looksLikeText(b: Uint8Array): boolean {
  if (b.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(b, { stream: true }); // the head may end mid-character
    return true;
  } catch {
    return false;
  }
}

/** `head` should be the first few KB (JPEG headers with EXIF need up to 64 KB for the size). */
export function sniff(head: Uint8Array): Sniffed {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) && head.length >= 24) {
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    return { type: "image/png", width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { type: "image/jpeg", ...jpegSize(head) };
  if (startsWith(head, ascii("GIF87a")) || startsWith(head, ascii("GIF89a"))) {
    return { type: "image/gif", width: head[6]! | (head[7]! << 8), height: head[8]! | (head[9]! << 8) };
  }
  if (startsWith(head, ascii("RIFF")) && startsWith(head, ascii("WEBP"), 8)) return { type: "image/webp", ...webpSize(head) };
  if (startsWith(head, ascii("%PDF-"))) return { type: "application/pdf" };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return { type: "application/zip" };
  if (startsWith(head, [0x1f, 0x8b])) return { type: "application/gzip" };
  if (startsWith(head, ascii("MZ"))) return { type: "application/x-msdownload" };
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return { type: "application/x-executable" };
  if (startsWith(head, [0x00, 0x61, 0x73, 0x6d])) return { type: "application/wasm" };
  if (head.length > 0 && looksLikeText(head)) return { type: "text/plain" };
  return { type: "application/octet-stream" };
}
