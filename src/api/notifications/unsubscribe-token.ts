// The one-click unsubscribe link in every notification email works without signing in, so it
// carries its own proof: the user id and an expiry, signed with SESSION_SECRET.
import { hashSecret } from "../../core/secrets.ts";
import { fromBase64Url, toBase64Url } from "../../shared/base64.ts";
import { timingSafeEqual } from "../../shared/crypto.ts";
import type { Env } from "../../env.ts";

/** Links in old emails stop working after this. */
export const UNSUBSCRIBE_VALID_DAYS = 60;

const encode = (text: string) => toBase64Url(new TextEncoder().encode(text));
const decode = (text: string) => new TextDecoder().decode(fromBase64Url(text));

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
  if (!timingSafeEqual(await signature(env, payload), signed)) return null;
  try {
    const { u, e } = JSON.parse(decode(payload)) as { u?: unknown; e?: unknown };
    return typeof u === "string" && typeof e === "number" && e > now ? u : null;
  } catch {
    return null;
  }
}
