// Mentions in text bodies (chat messages, comments): `<@userId>`. The server decides who they
// notify (only people who may view the room; anyone else's stays plain text and notifies no
// one); the client shows each as @Name when it knows the person.
export const MAX_MENTIONS = 20;

const MENTION = /<@([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})>/g;

/** The distinct user ids a body mentions, in order of first appearance. */
export function mentionedIds(body: string): string[] {
  return [...new Set([...body.matchAll(MENTION)].map((m) => m[1]!))];
}

/** The body as people read it: each mention as @Name (`names`), unknown ones as @someone. */
export function renderMentions(body: string, names: ReadonlyMap<string, string>): string {
  return body.replace(MENTION, (_token, id: string) => `@${names.get(id) ?? "someone"}`);
}

/** Splits a body into text and mentions, for rendering. */
export function mentionParts(body: string): ({ text: string } | { userId: string })[] {
  const parts: ({ text: string } | { userId: string })[] = [];
  let last = 0;
  for (const match of body.matchAll(MENTION)) {
    if (match.index > last) parts.push({ text: body.slice(last, match.index) });
    parts.push({ userId: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < body.length) parts.push({ text: body.slice(last) });
  return parts;
}
