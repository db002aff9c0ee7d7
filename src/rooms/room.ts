// One room: a Durable Object holding the room's Yjs document and awareness.
import { YServer } from "y-partyserver";
import type { Env } from "../env.ts";

export class Room extends YServer<Env> {
  static options = { hibernate: true };

  /** Called when the room is deleted: close every connection and drop all storage. */
  async destroy(): Promise<void> {
    for (const connection of this.getConnections()) connection.close(4404, "Room deleted");
    await this.ctx.storage.deleteAll();
  }
}
