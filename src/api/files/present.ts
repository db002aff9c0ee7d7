// How a stored file is described and served: names, types and headers that are safe
// to hand to a browser whatever the uploader sent.
import type { FileRow } from "../../db/schema.ts";
import type * as Api from "../../shared/api-types.ts";

/** Shown inline; everything else downloads. No HTML or SVG: they would run script on our origin. */
const INLINE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"]);
/** Declared types we honour when the bytes are plain text. */
const TEXT_TYPES = new Set(["text/plain", "text/csv", "text/markdown", "application/json"]);

/** Strips paths, control and quoting characters; keeps Unicode letters. */
export function sanitizeFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? "";
  const clean = base
    .replace(/[\u0000-\u001f\u007f"*:<>?|]/g, "")
    .replace(/^\.+/, "")
    .trim()
    .slice(0, 200);
  return clean || "file";
}

export function sanitizeContentType(raw: string | undefined): string {
  const type = (raw ?? "").split(";")[0]!.trim().toLowerCase();
  return /^[a-z0-9][\w.+-]*\/[\w.+-]+$/.test(type) ? type : "application/octet-stream";
}

/** The Content-Type we serve: what the bytes are, not what the uploader claimed. */
export function servedType(file: Pick<FileRow, "contentType" | "detectedType">): string {
  const detected = file.detectedType ?? "application/octet-stream";
  if (detected === "text/plain") {
    return `${TEXT_TYPES.has(file.contentType) ? file.contentType : "text/plain"}; charset=utf-8`;
  }
  return detected;
}

export function contentDisposition(file: Pick<FileRow, "name" | "contentType" | "detectedType">): string {
  const type = servedType(file).split(";")[0]!;
  const kind = INLINE_TYPES.has(type) ? "inline" : "attachment";
  const fallback = file.name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\%]/g, "_");
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(file.name)}`;
}

export function presentFile(file: FileRow): Api.StoredFile {
  return {
    id: file.id,
    name: file.name,
    size: file.size,
    contentType: file.contentType,
    detectedType: file.detectedType,
    visibility: file.visibility,
    ownerId: file.ownerId,
    roomId: file.roomId,
    sha256: file.sha256,
    status: file.status,
    width: file.width,
    height: file.height,
    url: `/api/files/${file.id}`,
    thumbnailUrl: file.thumbnailKey ? `/api/files/${file.id}/thumbnail` : null,
    createdAt: new Date(file.createdAt).toISOString(),
  };
}
