// A user's presence colour: stable for their id, so every client draws them the same.
const PALETTE = [
  "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46a0a8",
  "#f032e6", "#808000", "#9a6324", "#800000", "#000075", "#c08a00",
];

export function colourFor(userId: string): string {
  // FNV-1a: cheap and evenly spread for uuids.
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return PALETTE[(hash >>> 0) % PALETTE.length]!;
}
