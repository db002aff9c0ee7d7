// Uploads with real progress: fetch cannot report upload progress, XMLHttpRequest can.
// Small files go in one multipart/form-data request; big ones through the resumable
// R2 multipart flow (create → PUT each part → complete), progress summed over parts.
import { API_BASE, ApiRequestError, api, type ApiErrorBody } from "../api.ts";
import type { StoredFile } from "../../shared/api-types.ts";

/** Above this, the multipart flow: one failed part is retried alone, not the whole file. */
const MULTIPART_THRESHOLD = 10 * 1024 * 1024;

export type Progress = (sentBytes: number, totalBytes: number) => void;

function send(method: string, path: string, body: XMLHttpRequestBodyInit, onProgress: (loaded: number) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, `${API_BASE}${path}`);
    xhr.withCredentials = true;
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onerror = () => reject(new Error("Network error during upload."));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve(xhr.response);
      const error = (xhr.response as ApiErrorBody | null)?.error;
      reject(new ApiRequestError(xhr.status, error?.code ?? "http_error", error?.message ?? `Upload failed (${xhr.status}).`));
    };
    xhr.send(body);
  });
}

/** What an upload answers with (POST /api/upload, or the multipart flow's completion). */
export type Uploaded = { id: string; name: string };

async function uploadSingle(file: File, roomId: string, onProgress: Progress): Promise<Uploaded> {
  const form = new FormData();
  form.append("roomId", roomId); // before the file, so the server checks access before storing a byte
  form.append("file", file, file.name);
  return (await send("POST", "/api/upload", form, (loaded) => onProgress(Math.min(loaded, file.size), file.size))) as Uploaded;
}

type Started = { id: string; partSize: number; partCount: number };

async function uploadMultipart(file: File, roomId: string, onProgress: Progress): Promise<Uploaded> {
  const started = await api<Started>("/api/upload/multipart", {
    method: "POST",
    body: JSON.stringify({ name: file.name, size: file.size, contentType: file.type || undefined, roomId }),
  });
  const parts: { partNumber: number; etag: string }[] = [];
  let done = 0;
  try {
    for (let n = 1; n <= started.partCount; n++) {
      const chunk = file.slice((n - 1) * started.partSize, n * started.partSize);
      const part = (await send("PUT", `/api/upload/multipart/${started.id}/parts/${n}`, chunk, (loaded) =>
        onProgress(done + loaded, file.size),
      )) as { partNumber: number; etag: string };
      parts.push(part);
      done += chunk.size;
    }
    const stored = await api<StoredFile>(`/api/upload/multipart/${started.id}/complete`, { method: "POST", body: JSON.stringify({ parts }) });
    onProgress(file.size, file.size);
    return stored;
  } catch (error) {
    await api(`/api/upload/multipart/${started.id}`, { method: "DELETE" }).catch(() => undefined);
    throw error;
  }
}

export function uploadFile(file: File, roomId: string, onProgress: Progress): Promise<Uploaded> {
  return file.size > MULTIPART_THRESHOLD ? uploadMultipart(file, roomId, onProgress) : uploadSingle(file, roomId, onProgress);
}

/** Saves a file through fetch (with the session cookie) so the browser keeps its name. */
export async function downloadFile(file: StoredFile): Promise<void> {
  const response = await fetch(`${API_BASE}${file.url}`, { credentials: "include" });
  if (!response.ok) throw new Error(`Download failed (${response.status}).`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = file.name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}
