// The editor's extension list. The React client and the Worker both build their schema from
// this one array, so a document the server writes is always one the editor can open.
import type { AnyExtension } from "@tiptap/core";
import Image from "@tiptap/extension-image";
import { TaskItem, TaskList } from "@tiptap/extension-list";
import StarterKit from "@tiptap/starter-kit";
import Mention from "@tiptap/extension-mention";
import { FileCard } from "./file-card.ts";
import { isSafeHref } from "./safe-href.ts";

/** The mention node as the schema needs it; the client configures its suggestion on top (Mention.extend keeps the name). */
export const mention = Mention.configure({
  HTMLAttributes: { class: "mention" },
  renderText: ({ node }) => `@${node.attrs.label ?? node.attrs.id}`,
  renderHTML: ({ options, node }) => ["span", options.HTMLAttributes, `@${node.attrs.label ?? node.attrs.id}`],
});

export const extensions: AnyExtension[] = [
  // The client adds Collaboration, which brings its own Yjs-aware undo; Tiptap's own history
  // (v3 calls it `undoRedo`) would fight it. Collaboration adds no nodes, so the schema is this.
  StarterKit.configure({
    undoRedo: false,
    // One rule for links everywhere: pasted or parsed HTML drops other targets, setLink refuses
    // them, and a link that arrives over Yjs anyway is rendered with an empty href.
    link: { isAllowedUri: (url) => isSafeHref(url) },
  }),
  // Checklists: `- [ ] item` in Markdown, <ul data-type="taskList"> in HTML (src/rooms/document).
  TaskList,
  TaskItem.configure({ nested: true }),
  // Images within the text (Markdown's ![alt](src) is inline): uploads point at /api/files/:id.
  // width/height keep the page from jumping while one loads; data: sources are not parsed.
  Image.configure({ inline: true, allowBase64: false, HTMLAttributes: { loading: "lazy" } }),
  // Any other file: an inline card (name, size, download link); see file-card.ts.
  FileCard,
  // @someone: an inline node carrying the user's id and the name shown when it was made. Text and
  // Markdown exports read "@Name"; HTML keeps <span data-type="mention" data-id>, which imports back.
  // The client adds the suggestion popup (typing @); the room notifies whom a new one names.
  mention,
];
