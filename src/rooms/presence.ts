// The global presence Durable Object (one instance): who is online, and chat.
// Filled in by the presence/chat issue; the binding is live from the start.
import { Server } from "partyserver";
import type { Env } from "../env.ts";

export class Presence extends Server<Env> {
  static options = { hibernate: true };
}
