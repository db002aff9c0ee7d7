// Display names are shown to everyone beside chat messages, carets and avatars, so they must
// read as what they are: no control characters, no bidi tricks, and nothing that passes for staff.
// Shared by the Worker (signup, rename, names read back from D1) and the client (stored chat history).

export const MAX_NAME_CHARS = 100;

// Bidi embeddings, overrides and isolates reorder the text around them ("\u202Enimda" shows as "admin").
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
// Invisible format characters that split a word without showing (ZWJ stays: emoji sequences need it).
const INVISIBLES = /[\u00AD\u034F\u115F\u1160\u180E\u200B\u200C\u2060-\u2064\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]/g;
// Line breaks and tabs become spaces; every other C0/C1 control goes.
const CONTROLS = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g;
const SPACES = /[\s\u2028\u2029]+/g;

/** NFC, without control, bidi and invisible characters, with single spaces and no ends. */
export function cleanDisplayName(raw: string): string {
  return raw
    .normalize("NFC")
    .replace(BIDI_CONTROLS, "")
    .replace(INVISIBLES, "")
    .replace(CONTROLS, "")
    .replace(SPACES, " ")
    .trim();
}

const RESERVED = ["admin", "administrator", "sysadmin", "system", "roomful", "moderator", "support", "staff"];
// Words that only add to a reserved one ("The Roomful Team", "AdminBot").
const FILLERS = ["the", "team", "official", "bot", "help", "desk", "service", "account", "user"];

// Letters that look like Latin ones (Cyrillic, Greek) and digits or signs used as letters.
const LOOKALIKES: Record<string, string> = {
  а: "a", в: "b", е: "e", ё: "e", з: "e", і: "i", ї: "i", ј: "j", к: "k", м: "m", н: "h", о: "o", р: "p", с: "c",
  т: "t", у: "y", х: "x", ѕ: "s", һ: "h", ԁ: "d", ԛ: "q", ԝ: "w", ӏ: "i", п: "n",
  α: "a", β: "b", ε: "e", η: "n", ι: "i", κ: "k", ν: "v", ο: "o", ρ: "p", σ: "o", τ: "t", υ: "u", χ: "x", μ: "u", ϲ: "c",
  "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "$": "s", "@": "a", "!": "i", "|": "i", "€": "e",
};

/** How a name reads, roughly: compatibility forms folded, accents and lookalikes mapped to plain Latin. */
function skeleton(text: string): string {
  return [...text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()]
    .map((ch) => LOOKALIKES[ch] ?? ch)
    .join("")
    .replace(/l/g, "i") // l, I, 1 and | all read alike
    .replace(/rn/g, "m")
    .replace(/vv/g, "w");
}

const reservedSkeletons = RESERVED.map(skeleton);
const word = (w: string) => `${skeleton(w)}s?`;
// The whole name made only of reserved words and fillers, at least one of them reserved.
const STAFF_LIKE = new RegExp(`^(?:${[...RESERVED, ...FILLERS].map(word).join("|")})+$`);
const ANY_RESERVED = new RegExp(reservedSkeletons.join("|"));

/** True when a name would read as Roomful staff or the system ("Admin", "r00mful support", "ＳＹＳＴＥＭ"). */
export function isReservedName(name: string): boolean {
  const read = skeleton(cleanDisplayName(name));
  const words = read.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (words.some((w) => reservedSkeletons.includes(w.replace(/s$/, "")) || reservedSkeletons.includes(w))) return true;
  const joined = words.join("");
  return ANY_RESERVED.test(joined) && STAFF_LIKE.test(joined);
}

const PERSON_MARK = " (user)";

/**
 * A stored name as it may be shown. Names saved before these rules are cleaned the same way,
 * and one that reads as staff is marked as a person's name rather than shown as is.
 */
export function shownName(stored: string): string {
  const clean = cleanDisplayName(stored).slice(0, MAX_NAME_CHARS) || "Unnamed";
  // Idempotent: the Worker marks a name once, and the client may pass it through again.
  return isReservedName(clean) && !clean.endsWith(PERSON_MARK) ? `${clean}${PERSON_MARK}` : clean;
}
