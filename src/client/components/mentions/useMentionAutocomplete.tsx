// Typing `@` in a text field (the chat input, a comment box) offers the room's people, filtered
// as you type; ArrowUp/Down move, Enter or Tab picks, Escape closes. The field shows "@Name";
// the names picked are remembered so that `toBody` can turn them into the `<@userId>` tokens the
// server reads (a name edited by hand afterwards stays plain text).
import { useCallback, useId, useRef, useState, type KeyboardEvent } from "react";
import type { Person } from "../../hooks/useRoomPeople.ts";

const MAX_SHOWN = 8;
/** The word being typed right before the caret, when it starts with @. */
const TYPED_MENTION = /(?:^|\s)@([^\s@]{0,40})$/;

type Field = HTMLInputElement | HTMLTextAreaElement;

export type MentionAutocomplete = {
  /** Spread on the input or textarea (with its own value and onChange). */
  fieldProps: {
    "aria-autocomplete": "list";
    /** Only while the list is shown: it must name an element that exists. */
    "aria-controls": string | undefined;
    "aria-activedescendant": string | undefined;
    onKeyDown: (event: KeyboardEvent<Field>) => void;
    onSelect: (event: React.SyntheticEvent<Field>) => void;
    onBlur: () => void;
  };
  /** The list to render beside the field (null when closed). */
  menu: React.ReactNode;
  /** The text to send: picked names as `<@userId>`. */
  toBody: (text: string) => string;
  /** True while the list is open: Enter picks rather than sends. */
  open: boolean;
  /** A body with `<@userId>` tokens as the field shows it (@Name), its names remembered for `toBody`. */
  toField: (body: string, names: ReadonlyMap<string, string>) => string;
};

function matches(people: Person[], query: string, myId: string): Person[] {
  const q = query.toLowerCase();
  const others = people.filter((p) => p.id !== myId && p.name.toLowerCase().includes(q));
  // Names starting with the query first, then alphabetical.
  others.sort((a, b) => Number(!a.name.toLowerCase().startsWith(q)) - Number(!b.name.toLowerCase().startsWith(q)) || a.name.localeCompare(b.name));
  return others.slice(0, MAX_SHOWN);
}

export function useMentionAutocomplete(opts: { value: string; onChange: (value: string) => void; people: Person[]; myId: string }): MentionAutocomplete {
  const { value, onChange, people, myId } = opts;
  const listId = useId();
  const [query, setQuery] = useState<{ text: string; end: number } | null>(null);
  const [active, setActive] = useState(0);
  const picked = useRef(new Map<string, string>());
  const field = useRef<Field | null>(null);

  const found = query ? matches(people, query.text, myId) : [];
  const open = query !== null && found.length > 0;

  // Follows the caret: after typing, clicking or moving with the keyboard.
  const onSelect = useCallback((event: React.SyntheticEvent<Field>) => {
    const el = event.currentTarget;
    field.current = el;
    const end = el.selectionStart ?? el.value.length;
    const match = el.selectionStart === el.selectionEnd ? TYPED_MENTION.exec(el.value.slice(0, end)) : null;
    setQuery((current) => {
      const next = match ? { text: match[1]!, end } : null;
      if (next?.text !== current?.text) setActive(0);
      return next;
    });
  }, []);

  const pick = (person: Person) => {
    if (!query) return;
    const start = query.end - query.text.length - 1;
    const inserted = `@${person.name} `;
    picked.current.set(person.name, person.id);
    const next = value.slice(0, start) + inserted + value.slice(query.end);
    const caret = start + inserted.length;
    // The field takes the text and the caret now, in this event: moved later (a frame on), the
    // caret would jump back over whatever a fast typist entered meanwhile. React then renders the
    // same value and leaves the caret alone.
    const el = field.current;
    if (el) {
      el.value = next;
      el.setSelectionRange(caret, caret);
    }
    onChange(next);
    setQuery(null);
  };

  const onKeyDown = (event: KeyboardEvent<Field>) => {
    if (!open) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((a) => (a + step + found.length) % found.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      pick(found[Math.min(active, found.length - 1)]!);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation(); // a sheet's Escape would close it
      setQuery(null);
    }
  };

  const toBody = useCallback((text: string) => {
    // Longest names first, so "@Ann Lee" is not read as "@Ann" followed by " Lee".
    const names = [...picked.current.keys()].sort((a, b) => b.length - a.length);
    let body = text;
    for (const name of names) body = body.split(`@${name}`).join(`<@${picked.current.get(name)}>`);
    return body;
  }, []);

  const toField = useCallback((body: string, names: ReadonlyMap<string, string>) => {
    return body.replace(/<@([0-9a-f-]{36})>/g, (token, id: string) => {
      const name = names.get(id);
      if (name === undefined) return token;
      picked.current.set(name, id);
      return `@${name}`;
    });
  }, []);

  const optionId = (index: number) => `${listId}-option-${index}`;
  const menu = open ? (
    <ul id={listId} role="listbox" aria-label="People to mention" className="absolute bottom-full left-0 z-30 mb-1 max-h-60 w-64 overflow-y-auto rounded border border-slate-200 bg-white py-1 text-sm shadow-lg dark:border-slate-600 dark:bg-slate-800">
      {found.map((person, index) => (
        <li
          key={person.id}
          id={optionId(index)}
          role="option"
          aria-selected={index === active}
          // mousedown, not click: the field keeps focus (and its caret).
          onMouseDown={(event) => {
            event.preventDefault();
            pick(person);
          }}
          onMouseEnter={() => setActive(index)}
          className={`cursor-pointer px-3 py-1.5 ${index === active ? "bg-indigo-600 text-white" : ""}`}
        >
          {person.name}
        </li>
      ))}
    </ul>
  ) : null;

  return {
    fieldProps: {
      // Still a textbox (tests and screen readers find the field as before), announcing its list.
      "aria-autocomplete": "list",
      "aria-controls": open ? listId : undefined,
      "aria-activedescendant": open ? optionId(Math.min(active, found.length - 1)) : undefined,
      onKeyDown,
      onSelect,
      onBlur: () => setQuery(null),
    },
    menu,
    toBody,
    open,
    toField,
  };
}
