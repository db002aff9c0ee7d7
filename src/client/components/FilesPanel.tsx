import { useRef, useState, type DragEvent } from "react";
import type YProvider from "y-partyserver/provider";
import { api, API_BASE } from "../api.ts";
import { useRoomFiles } from "../hooks/useRoomFiles.ts";
import { useToast } from "../hooks/useToast.ts";
import type { StoredFile } from "../../shared/api-types.ts";
import { downloadFile, formatBytes, uploadFile } from "../lib/upload.ts";

type Upload = { name: string; sent: number; total: number };

export function FilesPanel(props: { roomId: string; provider: YProvider | null; canUpload: boolean; myId: string; active: boolean }) {
  const { roomId, provider, canUpload, myId, active } = props;
  const toast = useToast();
  const { files, refresh, announce } = useRoomFiles(roomId, provider, active);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);

  const upload = async (list: FileList | null) => {
    for (const file of Array.from(list ?? [])) {
      const entry: Upload = { name: file.name, sent: 0, total: file.size };
      setUploads((all) => [...all, entry]);
      try {
        await uploadFile(file, roomId, (sent, total) =>
          setUploads((all) => all.map((u) => (u.name === entry.name ? { ...u, sent, total } : u))),
        );
        toast.info(`Uploaded ${file.name}`);
        announce();
        await refresh();
      } catch (error) {
        toast.error(error);
      } finally {
        setUploads((all) => all.filter((u) => u.name !== entry.name));
      }
    }
  };

  const remove = async (file: StoredFile) => {
    try {
      await api(`/api/files/${file.id}`, { method: "DELETE" });
      announce();
      await refresh();
    } catch (error) {
      toast.error(error);
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (canUpload) void upload(event.dataTransfer.files);
  };

  return (
    <section aria-label="Files" className="flex h-full min-h-0 flex-col gap-3 p-3 text-sm">
      {canUpload && (
        <div
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          className={`rounded-lg border-2 border-dashed p-4 text-center ${dragging ? "border-indigo-500 bg-indigo-50 dark:bg-indigo-950" : "border-slate-300 dark:border-slate-600"}`}
        >
          <p className="text-slate-500 dark:text-slate-400">Drop files here, or</p>
          <label className="mt-1 inline-block cursor-pointer rounded bg-indigo-600 px-3 py-1 text-white focus-within:ring-2 hover:bg-indigo-700">
            Choose files
            <input ref={picker} type="file" multiple className="sr-only" aria-label="Upload files" onChange={(e) => void upload(e.target.files).then(() => { if (picker.current) picker.current.value = ""; })} />
          </label>
        </div>
      )}
      {uploads.map((u) => (
        <div key={u.name}>
          <div className="flex justify-between text-xs">
            <span className="truncate">{u.name}</span>
            <span>{Math.round((u.sent / Math.max(u.total, 1)) * 100)}%</span>
          </div>
          <progress
            className="h-2 w-full"
            aria-label={`Uploading ${u.name}`}
            data-testid="upload-progress"
            max={u.total}
            value={u.sent}
          />
        </div>
      ))}
      {files === null ? (
        <p className="text-slate-600 dark:text-slate-400">Loading files…</p>
      ) : files.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">No files yet.</p>
      ) : (
        <ul aria-label="Room files" className="min-h-0 flex-1 space-y-2 overflow-y-auto">
          {files.map((file) => (
            <li key={file.id} data-testid="file-item" className="flex items-center gap-2 rounded border border-slate-200 dark:border-slate-700 p-2">
              {file.thumbnailUrl ? (
                <img src={`${API_BASE}${file.thumbnailUrl}`} alt="" className="h-10 w-10 rounded object-cover" />
              ) : (
                <span className="flex h-10 w-10 items-center justify-center rounded bg-slate-100 dark:bg-slate-800 text-[10px] text-slate-500 dark:text-slate-400" aria-hidden="true">
                  {(file.name.split(".").pop() ?? "file").slice(0, 4).toUpperCase()}
                </span>
              )}
              <div className="min-w-0 flex-1">
                <p className="truncate font-medium" data-testid="file-name">{file.name}</p>
                <p className="text-xs text-slate-500 dark:text-slate-400">{formatBytes(file.size)}</p>
              </div>
              <button
                type="button"
                className="rounded px-2 py-1 text-indigo-700 dark:text-indigo-300 hover:bg-indigo-50 dark:hover:bg-indigo-950"
                aria-label={`Download ${file.name}`}
                onClick={() => downloadFile(file).catch(toast.error)}
              >
                Download
              </button>
              {file.ownerId === myId && (
                <button
                  type="button"
                  className="rounded px-2 py-1 text-red-700 dark:text-red-300 hover:bg-red-50 dark:hover:bg-red-950"
                  aria-label={`Delete ${file.name}`}
                  onClick={() => void remove(file)}
                >
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
