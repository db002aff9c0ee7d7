// The same colour the server's presence object gives a user (src/rooms/presence/colour.ts),
// so a caret, an avatar and a chat name agree.
export { colourFor } from "../../rooms/presence/colour.ts";

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "")).toUpperCase();
}
