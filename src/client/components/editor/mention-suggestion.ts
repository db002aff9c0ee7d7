// Typing @ in the document offers the room's people: the shared `mention` node (same name and
// schema) configured with Tiptap's suggestion and a small DOM list under the caret. Picking one
// inserts a mention carrying { id: userId, label: name }; the room notifies whom it names.
import type { AnyExtension } from "@tiptap/core";
import type { SuggestionKeyDownProps, SuggestionProps } from "@tiptap/suggestion";
import { mention } from "../../../shared/editor/extensions.ts";
import type { Person } from "../../hooks/useRoomPeople.ts";

const MAX_SHOWN = 8;
type Item = { id: string; label: string };

/** A popup listing `items`; `active` is the highlighted one. */
class MentionList {
  readonly element = document.createElement("ul");
  #active = 0;
  #props: SuggestionProps<Item, Item>;

  constructor(props: SuggestionProps<Item, Item>) {
    this.#props = props;
    this.element.setAttribute("role", "listbox");
    this.element.setAttribute("aria-label", "People to mention");
    this.element.className = "mention-menu";
    this.update(props);
  }

  update(props: SuggestionProps<Item, Item>): void {
    this.#props = props;
    this.#active = Math.min(this.#active, Math.max(0, props.items.length - 1));
    this.#render();
  }

  #render(): void {
    const { items } = this.#props;
    this.element.replaceChildren(
      ...(items.length === 0
        ? [Object.assign(document.createElement("li"), { textContent: "No one by that name", className: "mention-menu-empty" })]
        : items.map((item, index) => {
            const option = document.createElement("li");
            option.setAttribute("role", "option");
            option.setAttribute("aria-selected", String(index === this.#active));
            option.textContent = item.label;
            // mousedown: the editor keeps its selection.
            option.addEventListener("mousedown", (event) => {
              event.preventDefault();
              this.#props.command(item);
            });
            return option;
          })),
    );
  }

  onKeyDown({ event }: SuggestionKeyDownProps): boolean {
    const { items } = this.#props;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (items.length === 0) return true;
      this.#active = (this.#active + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
      this.#render();
      return true;
    }
    if (event.key === "Enter" || event.key === "Tab") {
      const item = items[this.#active];
      if (!item) return false;
      this.#props.command(item);
      return true;
    }
    return false; // Escape: the suggestion plugin closes the list itself
  }
}

/** The mention node with the @ popup; `people()` is read on each keystroke (members load late). */
export function mentionWithSuggestions(people: () => Person[], myId: string): AnyExtension {
  return mention.configure({
    suggestion: {
      allow: ({ editor }) => editor.isEditable,
      items: ({ query }: { query: string }): Item[] => {
        const q = query.toLowerCase();
        return people()
          .filter((p) => p.id !== myId && p.name.toLowerCase().includes(q))
          .sort((a, b) => Number(!a.name.toLowerCase().startsWith(q)) - Number(!b.name.toLowerCase().startsWith(q)) || a.name.localeCompare(b.name))
          .slice(0, MAX_SHOWN)
          .map((p) => ({ id: p.id, label: p.name }));
      },
      render: () => {
        let list: MentionList | null = null;
        let unmount: (() => void) | null = null;
        return {
          onStart: (props: SuggestionProps<Item, Item>) => {
            list = new MentionList(props);
            unmount = props.mount(list.element);
          },
          onUpdate: (props: SuggestionProps<Item, Item>) => list?.update(props),
          onKeyDown: (props: SuggestionKeyDownProps) => list?.onKeyDown(props) ?? false,
          onExit: () => {
            unmount?.();
            list = null;
            unmount = null;
          },
        };
      },
    },
  });
}
