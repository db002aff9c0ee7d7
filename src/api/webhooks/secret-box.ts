// Webhook signing secrets are needed in clear to sign, so they are stored encrypted (AES-GCM,
// key = SHA-256 of SESSION_SECRET and a purpose label): a leaked database alone cannot forge
// deliveries. Changing SESSION_SECRET makes stored secrets unreadable: rotate the webhooks' secrets then.
import { fromBase64Url, toBase64Url } from "../../shared/base64.ts";

const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(sessionSecret: string): Promise<CryptoKey> {
  let key = keys.get(sessionSecret);
  if (!key) {
    key = crypto.subtle
      .digest("SHA-256", new TextEncoder().encode(`roomful webhook secrets\0${sessionSecret}`))
      .then((raw) => crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
    keys.set(sessionSecret, key);
  }
  return key;
}

export async function sealSecret(sessionSecret: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await keyFor(sessionSecret), new TextEncoder().encode(secret));
  return `v1.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`;
}

export async function openSecret(sessionSecret: string, sealed: string): Promise<string> {
  const [version, iv, data] = sealed.split(".");
  if (version !== "v1" || !iv || !data) throw new Error("unreadable webhook secret");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64Url(iv) as Uint8Array<ArrayBuffer> },
    await keyFor(sessionSecret),
    fromBase64Url(data) as Uint8Array<ArrayBuffer>,
  );
  return new TextDecoder().decode(plain);
}
