// /api/rooms/:id/messages: a room channel's chat history, and posting to it from scripts.
// Posted messages are stored and broadcast live by the presence object.
import { Hono } from "hono";
import { z } from "zod";
import { presenceStub } from "../../presence/stub.ts";
import { MAX_PAGE, messageBody, roomChannel } from "../../shared/chat-protocol.ts";
import { requirePrincipal } from "../auth/guards.ts";
import type { AppEnv } from "../context.ts";
import { tooManyRequests } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { viewableRoom } from "./load.ts";
import { readJson, readQuery } from "../validation.ts";

export const messageRoutes = new Hono<AppEnv>();

const pageQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
});
const postBody = z.strictObject({ body: messageBody });
const SYSTEM_AUTHOR = "Roomful";

documentRoute({
  method: "get",
  path: "/api/rooms/:id/messages",
  summary: "A room's chat history, newest page first; pass nextBefore as before for older pages",
  auth: "anyone who may view the room",
  query: pageQuery,
  responses: { 200: "{ messages (oldest first), nextBefore }", 404: "No such room, or not yours to see" },
});
messageRoutes.get("/", async (c) => {
  const access = await viewableRoom(c);
  const { before, limit } = readQuery(c, pageQuery);
  return c.json(await presenceStub(c.env).history(roomChannel(access.room.id), before, limit));
});

documentRoute({
  method: "post",
  path: "/api/rooms/:id/messages",
  summary: "Post a chat message to a room (broadcast live to subscribed sockets)",
  auth: "anyone who may view the room, or an admin script",
  body: postBody,
  responses: { 201: "{ message }", 404: "No such room, or not yours to see", 429: "Rate limited" },
});
messageRoutes.post("/", async (c) => {
  const principal = requirePrincipal(c);
  const access = await viewableRoom(c);
  const { body } = await readJson(c, postBody);
  // The bootstrap admin token is no person: its messages are the system's (authorKind "system").
  const author = principal.user ? { id: principal.user.id, name: principal.user.name } : { id: null, name: SYSTEM_AUTHOR };
  const result = await presenceStub(c.env).post(roomChannel(access.room.id), author, body);
  if (!result.ok) {
    c.header("retry-after", String(Math.ceil(result.retryAfterMs / 1000)));
    throw tooManyRequests(result.message);
  }
  return c.json({ message: result.message }, 201);
});
