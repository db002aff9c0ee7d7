// Mentions an editor just put in the document: read from the update they sent, so the room can
// notify whom they name. A mention is a Y.XmlElement "mention" whose "id" attribute is the user
// id; both arrive in the same update. Most updates hold no mention: the bytes are searched for
// the node name before anything is decoded.
import * as Y from "yjs";
import { FRAGMENT_NAME } from "../../shared/editor/schema.ts";

const NODE_NAME = "mention";
const MARKER = new TextEncoder().encode(NODE_NAME);

function mayHoldMention(update: Uint8Array): boolean {
  outer: for (let i = 0; i + MARKER.length <= update.length; i++) {
    for (let j = 0; j < MARKER.length; j++) if (update[i + j] !== MARKER[j]) continue outer;
    return true;
  }
  return false;
}

export type NewMention = { userId: string; /** The mention's Yjs id, unique: "client:clock". */ key: string };

/** The mention nodes this update creates, with the user each names. */
export function mentionsIn(update: Uint8Array): NewMention[] {
  if (!mayHoldMention(update)) return [];
  const { structs } = Y.decodeUpdate(update);
  const elements = new Set<string>();
  for (const struct of structs) {
    if (struct instanceof Y.Item && struct.content instanceof Y.ContentType && (struct.content.type as Y.XmlElement).nodeName === NODE_NAME) {
      elements.add(`${struct.id.client}:${struct.id.clock}`);
    }
  }
  const found: NewMention[] = [];
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || struct.parentSub !== "id" || !(struct.parent instanceof Y.ID)) continue;
    const key = `${struct.parent.client}:${struct.parent.clock}`;
    const value = struct.content.getContent()[0];
    if (elements.has(key) && typeof value === "string") found.push({ userId: value, key });
  }
  return found;
}

/** The text of the top-level block holding the mention, and that block's index (a link's `?block=`). */
export function mentionContext(doc: Y.Doc, key: string): { text: string; block: number } | null {
  const fragment = doc.getXmlFragment(FRAGMENT_NAME);
  const blocks = fragment.toArray();
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index]!;
    if (!(block instanceof Y.XmlElement)) continue;
    let hit = false;
    let text = "";
    const walk = (node: Y.XmlElement) => {
      for (const child of node.toArray()) {
        if (child instanceof Y.XmlText) {
          text += child.toDelta().map((op: { insert: unknown }) => (typeof op.insert === "string" ? op.insert : "")).join("");
        } else if (child instanceof Y.XmlElement) {
          if (child.nodeName === NODE_NAME) {
            if (child._item && `${child._item.id.client}:${child._item.id.clock}` === key) hit = true;
            text += `@${child.getAttribute("label") ?? "someone"}`;
          } else walk(child);
        }
      }
    };
    walk(block);
    if (hit) return { text, block: index };
  }
  return null;
}
