// One room: a Durable Object holding the room's Yjs document and awareness.
import { YServer } from "y-partyserver";
import type { Env } from "../env.ts";

export class Room extends YServer<Env> {
  static options = { hibernate: true };
}
