// PNG thumbnails in pure JavaScript (upng-js + pako for PNG, jpeg-js for JPEG): no native
// code or WebAssembly to load, so it runs the same in workerd, Miniflare and tests.
// Decoding needs width*height*4 bytes of heap, so big images are skipped (128 MB isolates).
import jpeg from "jpeg-js";
import UPNG from "upng-js";

const THUMBNAIL_EDGE = 256;
/** 16 megapixels: 64 MB of RGBA, the most we decode inside a 128 MB isolate. */
export const MAX_THUMBNAIL_SOURCE_PIXELS = 16_000_000;

type Rgba = { width: number; height: number; data: Uint8Array };

function decode(type: string, bytes: Uint8Array): Rgba | null {
  if (type === "image/png") {
    const image = UPNG.decode(bytes.slice().buffer);
    const [frame] = UPNG.toRGBA8(image);
    return frame ? { width: image.width, height: image.height, data: new Uint8Array(frame) } : null;
  }
  if (type === "image/jpeg") {
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 96 });
    return { width: image.width, height: image.height, data: image.data };
  }
  return null;
}

/** Box-filter downscale: each output pixel averages the source pixels it covers. */
function shrink(src: Rgba, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * src.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * src.height) / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * src.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * src.width) / width));
      const sum = [0, 0, 0, 0];
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const i = (sy * src.width + sx) * 4;
          for (let k = 0; k < 4; k++) sum[k]! += src.data[i + k]!;
        }
      }
      const count = (y1 - y0) * (x1 - x0);
      const o = (y * width + x) * 4;
      for (let k = 0; k < 4; k++) out[o + k] = Math.round(sum[k]! / count);
    }
  }
  return out;
}

/** A PNG at most THUMBNAIL_EDGE on its longer side, or null for types we cannot decode. */
export function makeThumbnail(type: string, bytes: Uint8Array): Uint8Array | null {
  const image = decode(type, bytes);
  if (!image || image.width === 0 || image.height === 0) return null;
  const scale = Math.min(1, THUMBNAIL_EDGE / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const pixels = scale === 1 ? image.data : shrink(image, width, height);
  return new Uint8Array(UPNG.encode([pixels.slice().buffer], width, height, 0));
}
