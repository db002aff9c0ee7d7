// /api/unsubscribe?token=: the link in every notification email. No sign-in: the signed token
// names the user. GET shows a one-button page (link scanners that prefetch GETs change
// nothing); POST, from that button or a mail client's RFC 8058 one-click, turns emails off.
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { users } from "../../db/schema.ts";
import { database } from "../../core/db.ts";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { documentRoute } from "../openapi.ts";
import { readQuery } from "../validation.ts";
import { verifyUnsubscribeToken } from "./unsubscribe-token.ts";

export const unsubscribeRoutes = new Hono<AppEnv>();

const tokenQuery = z.object({ token: z.string().min(1).max(512) });
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  "x-content-type-options": "nosniff",
};

async function userOf(c: AppContext): Promise<string> {
  const { token } = readQuery(c, tokenQuery);
  const userId = await verifyUnsubscribeToken(c.env, token);
  if (!userId) throw new ApiError(400, "invalid_token", "This unsubscribe link is not valid or has expired; change your email settings in Roomful.");
  return userId;
}

const page = (body: string) => `<!doctype html><meta charset="utf-8"><title>Roomful emails</title><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">${body}</body>`;

documentRoute({
  method: "get",
  path: "/api/unsubscribe",
  summary: "The unsubscribe page of a notification email (a button that POSTs)",
  auth: "the signed token in the link",
  query: tokenQuery,
  responses: { 200: "HTML page", 400: "invalid_token" },
});
unsubscribeRoutes.get("/", async (c) => {
  await userOf(c);
  const action = `?token=${encodeURIComponent(c.req.query("token")!)}`;
  return c.body(page(`<h1>Stop notification emails?</h1><form method="post" action="${action}"><button type="submit">Stop emails</button></form><p>Your inbox in Roomful keeps every notification.</p>`), 200, PAGE_HEADERS);
});

documentRoute({
  method: "post",
  path: "/api/unsubscribe",
  summary: "One-click unsubscribe: no more notification emails for the token's user",
  auth: "the signed token in the link",
  query: tokenQuery,
  responses: { 200: "HTML page", 400: "invalid_token" },
});
unsubscribeRoutes.post("/", async (c) => {
  const userId = await userOf(c);
  await database(c.env).update(users).set({ notify: "none", updatedAt: Date.now() }).where(eq(users.id, userId));
  return c.body(page("<h1>Done</h1><p>You will get no more notification emails. Turn them back on in Roomful.</p>"), 200, PAGE_HEADERS);
});
