// POST …/document/append with a Markdown or plain-text body, applied as it arrives: an LLM's
// output streamed into a room, seen growing by everyone in it. Every STEP_MS (and at the end)
// the text so far is parsed whole, and only the blocks that differ from the last step's are sent
// to the Room, which swaps them in (src/rooms/document/stream-append.ts). Parsing the whole text
// each time is what keeps formatting right across chunk boundaries: the end result is exactly
// the parse of the full body, as if it had been sent at once.
// What arrived before a dropped connection stays; so does what was applied before a 413.
import type { Node as PMNode } from "@tiptap/pm/model";
import { parseContent } from "../../rooms/document/convert.ts";
import type { Precondition } from "../../rooms/document/etag.ts";
import { roomStub } from "../../rooms/stub.ts";
import type { DocumentEditResult } from "../../rooms/room.ts";
import type { AppContext } from "../context.ts";
import { badRequest, tooLarge } from "../errors.ts";
import { MAX_DOCUMENT_BYTES } from "../body-limits.ts";
import { preconditionFailed } from "./preconditions.ts";
import { assertApplied } from "./room-calls.ts";

/** How often the room is updated while text keeps arriving (each step re-parses the text so far). */
const STEP_MS = 100;

type Step = { blocks: string[]; etag: string | null };

export async function streamAppend(
  c: AppContext,
  roomId: string,
  kind: "markdown" | "text",
  precondition: Precondition | null,
  author: string | null,
): Promise<Response> {
  const body = c.req.raw.body;
  if (Number(c.req.header("content-length")) > MAX_DOCUMENT_BYTES) throw tooLarge(`Body over ${MAX_DOCUMENT_BYTES} bytes.`);
  const room = roomStub(c.env, roomId);
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let text = "";
  let bytes = 0;
  let applied: Step = { blocks: [], etag: null };
  let pending = precondition; // only the first step is conditional
  let lastStep = Date.now();

  /** Parses the text so far and sends the blocks that changed; an error outcome ends the stream. */
  const step = async (): Promise<DocumentEditResult | null> => {
    if (text.trim() === "") return null;
    let parsed: PMNode;
    try {
      parsed = parseContent(text, kind);
    } catch (error) {
      throw badRequest(`Cannot read the ${kind} body: ${error instanceof Error ? error.message : String(error)}`);
    }
    const blocks: string[] = [];
    parsed.forEach((block) => void blocks.push(JSON.stringify(block.toJSON())));
    let same = 0;
    while (same < blocks.length && same < applied.blocks.length && blocks[same] === applied.blocks[same]) same++;
    if (same === blocks.length && same === applied.blocks.length) return null;
    const changed = `[${blocks.slice(same).join(",")}]`;
    const result = await room.appendStreamed(changed, applied.blocks.length - same, changed.length, pending, author);
    pending = null;
    if (result.outcome !== "applied") return result;
    applied = { blocks, etag: result.etag };
    return null;
  };

  /** A step's refusal as the answer (412), or thrown as its API error (413 document_full, 409 room_reset). */
  const refusal = (result: DocumentEditResult): Response => {
    if (result.outcome === "precondition_failed") return preconditionFailed(c, result.etag);
    assertApplied(result.outcome);
    return c.body(null, 204, { etag: result.etag });
  };

  if (body) {
    const reader = body.getReader();
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch {
          // The client went away: keep what arrived (below), nobody reads the answer.
          break;
        }
        if (chunk.done) break;
        bytes += chunk.value.byteLength;
        if (bytes > MAX_DOCUMENT_BYTES) throw tooLarge(`Body over ${MAX_DOCUMENT_BYTES} bytes; what arrived before the limit was applied.`);
        try {
          text += decoder.decode(chunk.value, { stream: true });
        } catch {
          throw badRequest("Body is not valid UTF-8.");
        }
        if (Date.now() - lastStep >= STEP_MS) {
          const refused = await step();
          if (refused) return refusal(refused);
          lastStep = Date.now();
        }
      }
    } finally {
      reader.releaseLock();
    }
  }
  try {
    text += decoder.decode();
  } catch {
    throw badRequest("Body is not valid UTF-8.");
  }
  const refused = await step();
  if (refused) return refusal(refused);
  // Nothing but blank text: appended as it always was, in one edit.
  if (applied.etag === null) {
    const content = JSON.stringify(parseContent(text, kind).toJSON());
    return refusal(await room.editDocument("append", content, content.length, pending, author));
  }
  return c.body(null, 204, { etag: applied.etag });
}
