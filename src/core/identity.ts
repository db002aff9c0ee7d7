// Who a presence connection belongs to. Only the Worker authenticates users; it forwards the
// verified identity in x-roomful-* headers signed with SESSION_SECRET, so the object trusts
// them no matter which route (or a future generic /parties/* forwarder) the request came by.
import type { Env } from "../env.ts";
import { hashSecret } from "./secrets.ts";
import { timingSafeEqual } from "../shared/crypto.ts";
import { type Credential, parseCredential } from "./credential.ts";

/** `credential`: the session or token the socket was opened with, so revoking it closes the socket. */
export type Identity = { id: string; name: string; isAdmin: boolean; credential: Credential };

const ID = "x-roomful-user-id";
const NAME = "x-roomful-user-name";
const ADMIN = "x-roomful-user-admin";
const CREDENTIAL = "x-roomful-credential";
const SIGNATURE = "x-roomful-signature";
export const IDENTITY_HEADERS = [ID, NAME, ADMIN, CREDENTIAL, SIGNATURE];

const payload = (who: Identity) => `presence-identity\n${who.id}\n${who.name}\n${who.isAdmin ? 1 : 0}\n${who.credential}`;

/** Copies `headers` without any client-sent identity headers, then adds the signed ones. */
export async function withIdentity(env: Pick<Env, "SESSION_SECRET">, headers: Headers, who: Identity): Promise<Headers> {
  const out = new Headers(headers);
  for (const name of IDENTITY_HEADERS) out.delete(name);
  out.set(ID, who.id);
  // Header values must be ByteStrings; names may be any Unicode.
  out.set(NAME, encodeURIComponent(who.name));
  out.set(ADMIN, who.isAdmin ? "1" : "0");
  out.set(CREDENTIAL, who.credential);
  out.set(SIGNATURE, await hashSecret(env.SESSION_SECRET, payload(who)));
  return out;
}

/** The identity as sent, unchecked: only for a request `verifiedIdentity` already accepted. */
export function claimedIdentity(headers: Headers): Identity | null {
  const id = headers.get(ID);
  const encodedName = headers.get(NAME);
  const credential = parseCredential(headers.get(CREDENTIAL));
  if (!id || encodedName === null || !credential) return null;
  try {
    return { id, name: decodeURIComponent(encodedName), isAdmin: headers.get(ADMIN) === "1", credential };
  } catch {
    return null;
  }
}

export async function verifiedIdentity(env: Pick<Env, "SESSION_SECRET">, headers: Headers): Promise<Identity | null> {
  const who = claimedIdentity(headers);
  const signature = headers.get(SIGNATURE);
  if (!who || !signature) return null;
  const expected = await hashSecret(env.SESSION_SECRET, payload(who));
  return timingSafeEqual(signature, expected) ? who : null;
}
