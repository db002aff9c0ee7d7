// The ProseMirror schema of the shared editor, built without an editor instance (and so
// without a DOM): safe to import inside workerd.
import { getSchema } from "@tiptap/core";
import { extensions } from "./extensions.ts";

export const editorSchema = getSchema(extensions);

// The Y.XmlFragment that Tiptap's Collaboration extension binds when `field` is not set.
export const FRAGMENT_NAME = "default";
