// The shared document: the server's extension list plus Collaboration (the Y.Doc, and its undo
// of only this client's edits), CollaborationCaret (everyone's named, coloured carets through
// awareness) and a placeholder; the formatting toolbar above it for editors. Images pasted,
// dropped or picked upload to the room's files and go into the document; other files as links
// to them (editor/document-uploads.ts).
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { Placeholder } from "@tiptap/extensions";
import { EditorContent, useEditor } from "@tiptap/react";
import { useEffect, useRef, useState } from "react";
import { useToast } from "../hooks/useToast.ts";
import { useRoomPeopleRef } from "../hooks/useRoomPeople.ts";
import { mentionWithSuggestions } from "./editor/mention-suggestion.ts";
import { extensions } from "../../shared/editor/extensions.ts";
import { FRAGMENT_NAME } from "../../shared/editor/schema.ts";
import { colourFor } from "../../shared/colour.ts";
import type { RoomConnection } from "../lib/room-connection.ts";
import type { User } from "../../shared/api-types.ts";
import { EditorToolbar } from "./editor/EditorToolbar.tsx";
import { AltTextDialog } from "./editor/AltTextDialog.tsx";
import { LinkDialog } from "./editor/LinkDialog.tsx";
import { ShortcutsDialog } from "./editor/ShortcutsDialog.tsx";
import { filesIn, insertFiles, type ImageTarget, type UploadStatus } from "./editor/document-uploads.ts";
import { withImageView } from "./editor/image-view.ts";
import { withFileCardView } from "./editor/file-card-view.ts";
import { UploadPlaceholders } from "./editor/upload-placeholders.ts";
import { CommentHighlights, setCommentThreads } from "./comments/comment-highlights.ts";
import { anchorRange, selectionAnchor } from "./comments/comment-anchor.ts";
import type { CommentsBridge } from "./comments/CommentsPanel.tsx";
import type { Thread } from "../../shared/comments.ts";

/** The document's side of comments: threads to highlight, and what the Comments panel asks of it. */
export type EditorComments = {
  threads: Thread[];
  activeId: string | null;
  onOpenThread: (threadId: string) => void;
  /** Ctrl+Alt+M or the toolbar's Comment button, with the selection as the new thread's anchor. */
  onNewThread: (draft: { start: string; end: string; quote: string } | null) => void;
  onReady: (bridge: CommentsBridge | null) => void;
};

/** True when a key press there is typing, not a command ("?" in a text field is a question mark). */
function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

export function Editor({ connection, roomId, user, readOnly, comments }: { connection: RoomConnection; roomId: string; user: User; readOnly: boolean; comments?: EditorComments }) {
  const toast = useToast();
  // Whom @ offers: read through a ref by the suggestion, which is fixed when the editor is made.
  const peopleRef = useRoomPeopleRef(roomId);
  const [dialog, setDialog] = useState<"link" | "alt" | "help" | null>(null);
  const [upload, setUpload] = useState<UploadStatus>(null);
  const picker = useRef<HTMLInputElement>(null);
  const filePicker = useRef<HTMLInputElement>(null);
  // The editor's own handlers are fixed at creation: they reach the editor through this ref.
  const target = useRef<ImageTarget | null>(null);
  const commentsRef = useRef(comments);
  commentsRef.current = comments;
  const addFiles = (files: File[], at?: number) => {
    if (!target.current || files.length === 0) return false;
    insertFiles(target.current, files, setUpload, at).catch((error) => {
      setUpload(null);
      toast.error(error);
    });
    return true;
  };
  const editor = useEditor(
    {
      extensions: [
        ...withFileCardView(withImageView(extensions)).map((e) => (e.name === "mention" ? mentionWithSuggestions(() => peopleRef.current, user.id) : e)),
        Collaboration.configure({ document: connection.doc, field: FRAGMENT_NAME }),
        CollaborationCaret.configure({
          provider: connection.provider,
          user: { id: user.id, name: user.name, color: colourFor(user.id) },
        }),
        Placeholder.configure({ placeholder: "Start writing, or press ? for shortcuts…" }),
        UploadPlaceholders,
        CommentHighlights.configure({ onOpenThread: (id) => commentsRef.current?.onOpenThread(id) }),
      ],
      editable: !readOnly,
      editorProps: {
        attributes: {
          id: "document-editor",
          "aria-label": "Document",
          "aria-multiline": "true",
          role: "textbox",
          class: "prose-doc min-h-[50vh] px-4 py-6 focus:outline-none md:px-8",
        },
        handlePaste: (view, event) => view.editable && addFiles(filesIn(event.clipboardData?.files)),
        handleDrop: (view, event, _slice, moved) => {
          if (moved || !view.editable) return false;
          const at = view.posAtCoords({ left: event.clientX, top: event.clientY })?.pos;
          return addFiles(filesIn(event.dataTransfer?.files), at);
        },
        handleKeyDown: (_view, event) => {
          if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
            event.preventDefault();
            setDialog("link");
            return true;
          }
          return false;
        },
      },
    },
    [connection],
  );

  const editorRef = useRef(editor);
  editorRef.current = editor;
  useEffect(() => {
    target.current = editor ? { editor, roomId, awareness: connection.provider.awareness } : null;
  }, [editor, roomId, connection]);

  // Threads and the open one, drawn as highlights that follow the text.
  const threads = comments?.threads;
  const activeId = comments?.activeId ?? null;
  useEffect(() => {
    if (editor && threads) editor.view.dispatch(setCommentThreads(editor.state.tr, { threads, activeId }));
  }, [editor, threads, activeId]);

  useEffect(() => {
    const ready = commentsRef.current?.onReady;
    if (!editor || !ready) return;
    ready({
      positionOf: (thread) => anchorRange(editor.state, thread.anchor)?.from ?? null,
      selection: () => selectionAnchor(editor.view),
      show: (thread) => {
        const range = anchorRange(editor.state, thread.anchor);
        if (!range) return;
        editor.chain().setTextSelection(range).scrollIntoView().run();
        editor.view.dom.querySelector(`[data-thread-id="${thread.id}"]`)?.scrollIntoView({ block: "center" });
      },
    });
    return () => ready(null);
  }, [editor]);

  // Access can change while the room is open (an owner makes us a viewer): follow it live.
  useEffect(() => {
    if (editor && editor.isEditable === readOnly) editor.setEditable(!readOnly);
  }, [editor, readOnly]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "?" && !isTyping(event.target) && !event.ctrlKey && !event.metaKey) setDialog("help");
      // Ctrl+Alt+M (as in Google Docs): comment on the selection, also for commenters, whose editor is read-only.
      if ((event.ctrlKey || event.metaKey) && event.altKey && event.code === "KeyM" && editorRef.current && commentsRef.current) {
        event.preventDefault();
        commentsRef.current.onNewThread(selectionAnchor(editorRef.current.view));
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div data-readonly={readOnly} className={`min-h-full ${readOnly ? "bg-slate-50 dark:bg-slate-950" : "bg-white dark:bg-slate-900"}`}>
      {editor && !readOnly && (
        <EditorToolbar editor={editor} onLink={() => setDialog("link")} onImage={() => picker.current?.click()} onFile={() => filePicker.current?.click()} onAltText={() => setDialog("alt")} onHelp={() => setDialog("help")} onComment={comments ? () => comments.onNewThread(selectionAnchor(editor.view)) : undefined} />
      )}
      <input
        ref={picker}
        type="file"
        accept="image/*"
        multiple
        hidden
        aria-label="Insert images"
        onChange={(event) => {
          addFiles(filesIn(event.target.files));
          event.target.value = "";
        }}
      />
      {/* Any file: an image goes in as an image, anything else as a file card. */}
      <input
        ref={filePicker}
        type="file"
        multiple
        hidden
        aria-label="Attach files"
        onChange={(event) => {
          addFiles(filesIn(event.target.files));
          event.target.value = "";
        }}
      />
      {upload && (
        <p role="status" className="px-4 py-1 text-sm text-slate-600 md:px-8 dark:text-slate-300" data-testid="document-upload">
          Uploading {upload.name}… {upload.percent}%
        </p>
      )}
      <EditorContent editor={editor} />
      {editor && dialog === "link" && !readOnly && <LinkDialog editor={editor} onClose={() => setDialog(null)} />}
      {editor && dialog === "alt" && !readOnly && <AltTextDialog editor={editor} onClose={() => setDialog(null)} />}
      {dialog === "help" && <ShortcutsDialog onClose={() => setDialog(null)} />}
    </div>
  );
}
