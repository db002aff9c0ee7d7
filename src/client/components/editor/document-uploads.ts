// Files pasted, dropped or picked into the document: each uploads to the room's files. An image
// goes in as an image node pointing at /api/files/:id, with its width and height (so the page
// does not jump while it loads); any other file as a file card (name, size, download link:
// src/shared/editor/file-card.ts). Other tabs' file lists refresh through awareness.
import type { Editor } from "@tiptap/core";
import { API_BASE } from "../../api.ts";
import { uploadFile } from "../../lib/upload.ts";
import { addUploadPlaceholder, removeUploadPlaceholder, setUploadProgress } from "./upload-placeholders.ts";

export type UploadStatus = { name: string; percent: number } | null;

export const filesIn = (files: FileList | null | undefined): File[] => [...(files ?? [])];
const isImage = (file: File) => file.type.startsWith("image/");

async function sizeOf(file: File): Promise<{ width: number; height: number } | null> {
  if (!isImage(file)) return null;
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return null; // not decodable here (an SVG, say): the browser sizes it when it loads
  }
}

type Awareness = { getLocalState(): unknown; setLocalStateField(field: string, value: unknown): void };
export type ImageTarget = { editor: Editor; roomId: string; awareness: Awareness };

/**
 * Uploads `files` one by one, each shown in the document (upload-placeholders.ts) at `at` (a
 * document position) or the caret while it uploads, and put in where that placeholder is.
 */
export async function insertFiles({ editor, roomId, awareness }: ImageTarget, files: File[], onStatus: (status: UploadStatus) => void, at?: number): Promise<void> {
  for (const file of files) {
    onStatus({ name: file.name, percent: 0 });
    const placeholder = addUploadPlaceholder(editor, file.name, at ?? editor.state.selection.from);
    const progress = (sent: number, total: number) => {
      const percent = Math.round((sent / total) * 100);
      onStatus({ name: file.name, percent });
      setUploadProgress(editor, placeholder, percent);
    };
    let size: Awaited<ReturnType<typeof sizeOf>>;
    let stored: Awaited<ReturnType<typeof uploadFile>>;
    try {
      [size, stored] = await Promise.all([sizeOf(file), uploadFile(file, roomId, progress)]);
    } catch (error) {
      removeUploadPlaceholder(editor, placeholder);
      throw error;
    }
    const spot = removeUploadPlaceholder(editor, placeholder);
    const src = `${API_BASE}/api/files/${stored.id}`;
    const content = isImage(file)
      ? { type: "image", attrs: { src, alt: file.name.replace(/\.[^.]+$/, ""), ...size } }
      : [
          { type: "fileCard", attrs: { href: src, name: file.name, size: file.size } },
          { type: "text", text: " " },
        ];
    if (editor.isDestroyed) return;
    if (spot === null) editor.chain().focus().insertContent(content).run();
    else editor.chain().focus().insertContentAt(spot, content).run();
    bumpFilesRev(awareness);
  }
  onStatus(null);
}

function bumpFilesRev(awareness: Awareness): void {
  const current = (awareness.getLocalState() as { filesRev?: number } | null)?.filesRev ?? 0;
  awareness.setLocalStateField("filesRev", current + 1);
}
