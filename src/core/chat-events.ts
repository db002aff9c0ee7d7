// Chat changes as events (src/core/events.ts): the Presence object reports every stored write,
// edit and removal of a room channel's message here, beside the search index (search-events.ts).
import type { Env } from "../env.ts";
import { channelRoom } from "../shared/chat-protocol.ts";
import { recordEventLater } from "./events.ts";
import type { ChatChange } from "./search-events.ts";

type Background = Pick<ExecutionContext, "waitUntil">;

export function noteChatEvent(ctx: Background, env: Env, change: ChatChange): void {
  const channel = change.kind === "written" ? change.message.channel : change.channel;
  const roomId = channelRoom(channel);
  if (!roomId) return; // the global channel belongs to no room's feed
  if (change.kind === "removed") {
    // Who removed it is not passed down to the store; readers see that it is gone.
    return recordEventLater(ctx, env, { roomId, type: "message.deleted", actor: null, data: { messageId: change.id } });
  }
  const { message } = change;
  recordEventLater(ctx, env, {
    roomId,
    type: message.editedAt ? "message.edited" : "message.created",
    actor: message.userId,
    data: { messageId: message.id, seq: message.seq },
  });
}
