// What the toolbar offers, in order: each action's label, its keyboard shortcut (Tiptap's own
// defaults; Mod is Ctrl, or Cmd on a Mac), whether it is on at the caret and what it does.
// The shortcuts dialog lists the same table, so the two cannot disagree.
import type { Editor } from "@tiptap/core";

export type ToolbarAction = {
  id: string;
  label: string;
  /** What the button shows; the label is its accessible name. */
  glyph: string;
  shortcut?: string;
  /** Toggles report whether they are on (aria-pressed); one-shot actions leave it undefined. */
  isActive?: (editor: Editor) => boolean;
  canRun?: (editor: Editor) => boolean;
  run: (editor: Editor) => void;
};

const chain = (editor: Editor) => editor.chain().focus();

export const FORMAT_ACTIONS: ToolbarAction[][] = [
  [
    { id: "bold", label: "Bold", glyph: "B", shortcut: "Mod+B", isActive: (e) => e.isActive("bold"), run: (e) => chain(e).toggleBold().run() },
    { id: "italic", label: "Italic", glyph: "I", shortcut: "Mod+I", isActive: (e) => e.isActive("italic"), run: (e) => chain(e).toggleItalic().run() },
    { id: "strike", label: "Strikethrough", glyph: "S", shortcut: "Mod+Shift+S", isActive: (e) => e.isActive("strike"), run: (e) => chain(e).toggleStrike().run() },
    { id: "code", label: "Inline code", glyph: "</>", shortcut: "Mod+E", isActive: (e) => e.isActive("code"), run: (e) => chain(e).toggleCode().run() },
  ],
  ([1, 2, 3] as const).map((level) => ({
    id: `h${level}`,
    label: `Heading ${level}`,
    glyph: `H${level}`,
    shortcut: `Mod+Alt+${level}`,
    isActive: (e: Editor) => e.isActive("heading", { level }),
    run: (e: Editor) => chain(e).toggleHeading({ level }).run(),
  })),
  [
    { id: "bullets", label: "Bullet list", glyph: "•", shortcut: "Mod+Shift+8", isActive: (e) => e.isActive("bulletList"), run: (e) => chain(e).toggleBulletList().run() },
    { id: "numbers", label: "Numbered list", glyph: "1.", shortcut: "Mod+Shift+7", isActive: (e) => e.isActive("orderedList"), run: (e) => chain(e).toggleOrderedList().run() },
    { id: "tasks", label: "Task list", glyph: "☑", shortcut: "Mod+Shift+9", isActive: (e) => e.isActive("taskList"), run: (e) => chain(e).toggleTaskList().run() },
    { id: "quote", label: "Quote", glyph: "❝", shortcut: "Mod+Shift+B", isActive: (e) => e.isActive("blockquote"), run: (e) => chain(e).toggleBlockquote().run() },
    { id: "codeblock", label: "Code block", glyph: "{ }", shortcut: "Mod+Alt+C", isActive: (e) => e.isActive("codeBlock"), run: (e) => chain(e).toggleCodeBlock().run() },
    { id: "rule", label: "Horizontal rule", glyph: "―", run: (e) => chain(e).setHorizontalRule().run() },
  ],
];

// Collaboration's undo is Yjs' UndoManager over this client's own edits only: undoing never
// takes back what someone else typed.
export const HISTORY_ACTIONS: ToolbarAction[] = [
  { id: "undo", label: "Undo", glyph: "↶", shortcut: "Mod+Z", canRun: (e) => e.can().undo(), run: (e) => chain(e).undo().run() },
  { id: "redo", label: "Redo", glyph: "↷", shortcut: "Mod+Shift+Z", canRun: (e) => e.can().redo(), run: (e) => chain(e).redo().run() },
];

/** Shortcuts that are not toolbar buttons, for the help dialog. */
export const OTHER_SHORTCUTS: { label: string; shortcut: string }[] = [
  { label: "Add or edit a link", shortcut: "Mod+K" },
  { label: "Comment on the selected text", shortcut: "Mod+Alt+M" },
  { label: "Line break within a paragraph", shortcut: "Shift+Enter" },
  { label: "This list of shortcuts", shortcut: "? (outside the document)" },
];

/** Markdown typed at the start of a line, converted as you type. */
export const MARKDOWN_SHORTCUTS: { label: string; shortcut: string }[] = [
  { label: "Heading 1 to 3", shortcut: "# , ## , ### " },
  { label: "Bullet list", shortcut: "- " },
  { label: "Numbered list", shortcut: "1. " },
  { label: "Task list", shortcut: "[ ] " },
  { label: "Quote", shortcut: "> " },
  { label: "Code block", shortcut: "``` " },
  { label: "Horizontal rule", shortcut: "---" },
];

/** "Mod" as this platform's modifier. */
export function shortcutText(shortcut: string): string {
  const mac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
  return shortcut.replace("Mod", mac ? "⌘" : "Ctrl").replace("Alt", mac ? "⌥" : "Alt");
}
