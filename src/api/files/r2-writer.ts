// Writes a stream of unknown length to R2 with bounded memory: R2's `put` needs a known
// length, so bytes are cut into fixed-size parts of a multipart upload (R2 wants every
// part but the last to be the same size). A file smaller than one part is a single put.
// The SHA-256 is computed on the way through, and the first bytes are kept for sniffing.
import { toHex } from "../../shared/crypto.ts";
import { tooLarge } from "../errors.ts";

/** R2's minimum part size; also the most this writer holds in memory at once. */
export const PART_SIZE = 5 * 1024 * 1024;
const HEAD_BYTES = 4096;

export class R2StreamWriter {
  size = 0;
  head = new Uint8Array(0);
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private upload: R2MultipartUpload | null = null;
  private parts: R2UploadedPart[] = [];
  private digest = new crypto.DigestStream("SHA-256");
  private digestWriter = this.digest.getWriter();

  constructor(
    private readonly bucket: R2Bucket,
    readonly key: string,
    /** `overLimit`: the error past maxBytes, when the bound is not the file size limit (a quota). */
    private readonly options: { maxBytes: number; contentType: string; overLimit?: () => Error },
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    this.size += chunk.length;
    if (this.size > this.options.maxBytes) {
      throw this.options.overLimit?.() ?? tooLarge(`Files may be at most ${this.options.maxBytes} bytes.`);
    }
    if (this.head.length < HEAD_BYTES) {
      const head = new Uint8Array(Math.min(HEAD_BYTES, this.head.length + chunk.length));
      head.set(this.head);
      head.set(chunk.subarray(0, head.length - this.head.length), this.head.length);
      this.head = head;
    }
    await this.digestWriter.write(chunk);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (this.pendingBytes >= PART_SIZE) await this.flushPart(PART_SIZE);
  }

  /** Stores what is left; returns the object's SHA-256 (hex). */
  async finish(): Promise<string> {
    await this.digestWriter.close();
    const sha256 = toHex(await this.digest.digest);
    const httpMetadata = { contentType: this.options.contentType };
    if (!this.upload) {
      await this.bucket.put(this.key, this.take(this.pendingBytes), { httpMetadata, sha256 });
    } else {
      if (this.pendingBytes > 0) await this.flushPart(this.pendingBytes);
      await this.upload.complete(this.parts);
    }
    return sha256;
  }

  /** Leaves nothing behind: aborts a multipart upload, deletes a finished object. */
  async abort(): Promise<void> {
    this.digest.digest.catch(() => {}); // rejects once aborted; nobody wants the hash now
    await this.digestWriter.abort(new Error("upload aborted")).catch(() => {});
    if (this.upload) await this.upload.abort().catch(() => {});
    await this.bucket.delete(this.key);
  }

  private async flushPart(bytes: number): Promise<void> {
    this.upload ??= await this.bucket.createMultipartUpload(this.key, {
      httpMetadata: { contentType: this.options.contentType },
    });
    const part = await this.upload.uploadPart(this.parts.length + 1, this.take(bytes));
    this.parts.push(part);
  }

  /** Removes exactly `bytes` from the front of the pending chunks, as one array. */
  private take(bytes: number): Uint8Array {
    const out = new Uint8Array(bytes);
    let offset = 0;
    while (offset < bytes) {
      const chunk = this.pending[0]!;
      const n = Math.min(chunk.length, bytes - offset);
      out.set(chunk.subarray(0, n), offset);
      offset += n;
      if (n === chunk.length) this.pending.shift();
      else this.pending[0] = chunk.subarray(n);
    }
    this.pendingBytes -= bytes;
    return out;
  }
}
