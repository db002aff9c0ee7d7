// Session ids and API tokens are stored as HMAC-SHA256(SESSION_SECRET, value):
// a leaked database cannot be replayed as cookies or tokens without the secret too.
import { toHex } from "../shared/crypto.ts";

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    keys.set(secret, key);
  }
  return key;
}

export async function hashSecret(secret: string, value: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), new TextEncoder().encode(value));
  return toHex(signature);
}
