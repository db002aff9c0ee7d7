// Who a Durable Object connection belongs to. Only the Worker authenticates users; it forwards the
// verified identity in x-roomful-* headers signed with SESSION_SECRET, so the Presence and Room
// objects trust them no matter which route (or a future generic /parties/* forwarder) the request
// came by, and refuse anything that did not come through the Worker's checks.
import type { Env } from "../env.ts";
import { hashSecret } from "./secrets.ts";
import { timingSafeEqual } from "../shared/crypto.ts";
import { type Credential, parseCredential } from "./credential.ts";
import type { ConnectionRole } from "../shared/room-protocol.ts";

/** `credential`: the session or token the socket was opened with, so revoking it closes the socket. */
export type Identity = { id: string; name: string; isAdmin: boolean; credential: Credential };

/** A room connection also carries what it may do with the document, decided by the Worker. */
export type RoomIdentity = Identity & {
  role: ConnectionRole;
  /** Opened with a read-only token: no later role change may make it an editor. */
  readOnlyScope: boolean;
};

const ID = "x-roomful-user-id";
const NAME = "x-roomful-user-name";
const ADMIN = "x-roomful-user-admin";
const CREDENTIAL = "x-roomful-credential";
const ROLE = "x-roomful-connection-role";
const SCOPE = "x-roomful-credential-scope";
const SIGNATURE = "x-roomful-signature";
/** Every header the signature covers, in the order it covers them. */
const SIGNED = [ID, NAME, ADMIN, CREDENTIAL, ROLE, SCOPE];
export const IDENTITY_HEADERS = [...SIGNED, SIGNATURE];

/**
 * Which object a signature is for: one made for the presence object, or for another room,
 * opens nothing else.
 */
export type Audience = "presence" | `room:${string}`;
export const roomAudience = (roomId: string): Audience => `room:${roomId}`;

// Header values cannot hold a newline, so one per line is unambiguous; "-" marks an absent one.
const signedText = (audience: Audience, headers: Headers) =>
  [audience, ...SIGNED.map((name) => (headers.has(name) ? `${name}=${headers.get(name)}` : `${name}-`))].join("\n");

/** Copies `headers` without any client-sent identity headers, then adds `who`, signed for `audience`. */
export async function withIdentity(
  env: Pick<Env, "SESSION_SECRET">,
  headers: Headers,
  who: Identity | RoomIdentity,
  audience: Audience = "presence",
): Promise<Headers> {
  const out = new Headers(headers);
  for (const name of IDENTITY_HEADERS) out.delete(name);
  out.set(ID, who.id);
  // Header values must be ByteStrings; names may be any Unicode.
  out.set(NAME, encodeURIComponent(who.name));
  out.set(ADMIN, who.isAdmin ? "1" : "0");
  out.set(CREDENTIAL, who.credential);
  if ("role" in who) {
    out.set(ROLE, who.role);
    out.set(SCOPE, who.readOnlyScope ? "read" : "write");
  }
  out.set(SIGNATURE, await hashSecret(env.SESSION_SECRET, signedText(audience, out)));
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

/** The identity, when the Worker signed exactly these headers for `audience`; otherwise null. */
export async function verifiedIdentity(
  env: Pick<Env, "SESSION_SECRET">,
  headers: Headers,
  audience: Audience = "presence",
): Promise<Identity | null> {
  const who = claimedIdentity(headers);
  const signature = headers.get(SIGNATURE);
  if (!who || !signature) return null;
  const expected = await hashSecret(env.SESSION_SECRET, signedText(audience, headers));
  return timingSafeEqual(signature, expected) ? who : null;
}

/** A room connection's identity and rights, when the Worker signed them for this room. */
export async function verifiedRoomIdentity(
  env: Pick<Env, "SESSION_SECRET">,
  headers: Headers,
  roomId: string,
): Promise<RoomIdentity | null> {
  const who = await verifiedIdentity(env, headers, roomAudience(roomId));
  const role = headers.get(ROLE);
  if (!who || (role !== "editor" && role !== "viewer")) return null;
  return { ...who, role, readOnlyScope: headers.get(SCOPE) === "read" };
}
