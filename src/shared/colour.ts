// A user's presence colour: stable for their id, so every client draws them the same. Every
// colour carries white initials (avatars, caret labels) at WCAG AA contrast, at least 4.5:1
// (test/shared/colour.test.ts), so which colours a run's ids happen to get cannot fail a check.
export const PALETTE = [
  "#e6194b", "#237a32", "#4363d8", "#b4460a", "#911eb4", "#16727a",
  "#b3179e", "#5f6300", "#9a6324", "#800000", "#000075", "#7c5b00",
];

/** The text drawn on a palette colour. */
export const ON_COLOUR = "#ffffff";

export function colourFor(userId: string): string {
  // FNV-1a: cheap and evenly spread for uuids.
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return PALETTE[(hash >>> 0) % PALETTE.length]!;
}
