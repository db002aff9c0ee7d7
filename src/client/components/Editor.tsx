// The shared document: the server's extension list plus Collaboration (the Y.Doc) and
// CollaborationCaret (everyone's named, coloured carets through awareness).
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { EditorContent, useEditor } from "@tiptap/react";
import { useEffect } from "react";
import { extensions } from "../../shared/editor/extensions.ts";
import { FRAGMENT_NAME } from "../../shared/editor/schema.ts";
import { colourFor } from "../../shared/colour.ts";
import type { RoomConnection } from "../lib/room-connection.ts";
import type { User } from "../../shared/api-types.ts";

export function Editor({ connection, user, readOnly }: { connection: RoomConnection; user: User; readOnly: boolean }) {
  const editor = useEditor(
    {
      extensions: [
        ...extensions,
        Collaboration.configure({ document: connection.doc, field: FRAGMENT_NAME }),
        CollaborationCaret.configure({
          provider: connection.provider,
          user: { id: user.id, name: user.name, color: colourFor(user.id) },
        }),
      ],
      editable: !readOnly,
      editorProps: {
        attributes: {
          "aria-label": "Document",
          "aria-multiline": "true",
          role: "textbox",
          class: "prose-doc min-h-[50vh] px-8 py-6 focus:outline-none",
        },
      },
    },
    [connection],
  );

  // Access can change while the room is open (an owner makes us a viewer): follow it live.
  useEffect(() => {
    if (editor && editor.isEditable === readOnly) editor.setEditable(!readOnly);
  }, [editor, readOnly]);

  return (
    <div data-readonly={readOnly} className={`min-h-full ${readOnly ? "bg-slate-50" : "bg-white"}`}>
      <EditorContent editor={editor} />
    </div>
  );
}
