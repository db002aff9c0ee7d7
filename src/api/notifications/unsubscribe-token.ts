// The one-click unsubscribe link in every notification email works without signing in, so it
// carries its own proof: the user id and an expiry, signed with SESSION_SECRET.
import { hashSecret } from "../../core/secrets.ts";
import type { Env } from "../../env.ts";

/** Links in old emails stop working after this. */
export const UNSUBSCRIBE_VALID_DAYS = 60;

const encode = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const decode = (text: string) => atob(text.replace(/-/g, "+").replace(/_/g, "/"));

function signature(env: Env, payload: string): Promise<string> {
  return hashSecret(env.SESSION_SECRET, `unsubscribe:${payload}`);
}

export async function unsubscribeToken(env: Env, userId: string, now = Date.now()): Promise<string> {
  const payload = encode(JSON.stringify({ u: userId, e: now + UNSUBSCRIBE_VALID_DAYS * 86_400_000 }));
  return `${payload}.${await signature(env, payload)}`;
}

/** The user id the token was made for, or null when it is tampered with, malformed or expired. */
export async function verifyUnsubscribeToken(env: Env, token: string, now = Date.now()): Promise<string | null> {
  const [payload, signed] = token.split(".");
  if (!payload || !signed || token.length > 512) return null;
  const expected = await signature(env, payload);
  // Both are hex of the same length: compare without an early exit.
  if (expected.length !== signed.length) return null;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ signed.charCodeAt(i);
  if (diff !== 0) return null;
  try {
    const { u, e } = JSON.parse(decode(payload)) as { u?: unknown; e?: unknown };
    return typeof u === "string" && typeof e === "number" && e > now ? u : null;
  } catch {
    return null;
  }
}
