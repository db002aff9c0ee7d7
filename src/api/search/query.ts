// The search box's language, parsed here and turned into an FTS5 MATCH expression in which
// every term is a quoted string: FTS5's own syntax (column filters, NEAR, AND/OR/NOT, ^,
// parentheses) never reaches the database. What we do not understand is a 400, not a guess.
//   words                all must match            revenue plan
//   prefix*              words starting with it    plan*
//   "quoted phrase"      these words in order      "quarterly revenue"
//   -word, -"phrase"     must not match            -draft
import { ApiError } from "../errors.ts";

export const MAX_QUERY_CHARS = 256;
export const MAX_TERMS = 16;

export type Term = { text: string; prefix: boolean; phrase: boolean; exclude: boolean };

export const badQuery = (message: string) => new ApiError(400, "bad_query", message);

/** Characters that would be FTS5 syntax if they reached it; refused with a clear message. */
const OPERATOR_CHARS = /[():^{}+]/;
/** A term must contain something the tokenizer keeps (a letter or a digit). */
const INDEXABLE = /[\p{L}\p{N}]/u;

export function parseQuery(q: string): Term[] {
  if (q.length > MAX_QUERY_CHARS) throw badQuery(`A search is at most ${MAX_QUERY_CHARS} characters.`);
  const terms: Term[] = [];
  let i = 0;
  while (i < q.length) {
    if (/\s/.test(q[i]!)) {
      i++;
      continue;
    }
    const exclude = q[i] === "-";
    if (exclude) i++;
    if (q[i] === '"') {
      const end = q.indexOf('"', i + 1);
      if (end < 0) throw badQuery("A quoted phrase is missing its closing quote.");
      const text = q.slice(i + 1, end).trim();
      i = end + 1;
      if (q[i] === "*") throw badQuery("Only a single word can end with * (prefix search).");
      if (i < q.length && !/\s/.test(q[i]!)) throw badQuery("Put a space after a quoted phrase.");
      if (OPERATOR_CHARS.test(text)) throw badQuery("Search phrases cannot contain ( ) : ^ { } or +.");
      if (INDEXABLE.test(text)) terms.push({ text, prefix: false, phrase: true, exclude });
      continue;
    }
    let end = i;
    while (end < q.length && !/\s/.test(q[end]!)) end++;
    let word = q.slice(i, end);
    i = end;
    if (word.includes('"')) throw badQuery("Quotes must come in pairs, around a phrase.");
    if (OPERATOR_CHARS.test(word)) {
      throw badQuery("Search supports words, prefix*, \"quoted phrases\" and -exclusions; ( ) : ^ { } and + are not search syntax here.");
    }
    const prefix = word.endsWith("*");
    if (prefix) word = word.slice(0, -1);
    if (word.includes("*")) throw badQuery("* only goes at the end of a word (prefix search).");
    if (INDEXABLE.test(word)) terms.push({ text: word, prefix, phrase: false, exclude });
    else if (prefix) throw badQuery("A prefix search needs at least one letter or digit before the *.");
  }
  if (terms.length > MAX_TERMS) throw badQuery(`A search has at most ${MAX_TERMS} terms.`);
  if (!terms.some((t) => !t.exclude)) throw badQuery("Search for at least one word (exclusions alone match nothing).");
  return terms;
}

/** An FTS5 string literal: double quotes doubled, nothing else is special inside one. */
const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** `"a" AND "plan" * AND "quarterly revenue" NOT "draft"`: every term quoted. */
export function toMatchExpression(terms: Term[]): string {
  const include = terms.filter((t) => !t.exclude).map((t) => quoted(t.text) + (t.prefix ? " *" : ""));
  const exclude = terms.filter((t) => t.exclude).map((t) => ` NOT ${quoted(t.text)}${t.prefix ? " *" : ""}`);
  return include.join(" AND ") + exclude.join("");
}
