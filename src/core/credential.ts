// Which credential opened a socket (a session, an API token or the bootstrap admin token).
// Each room and chat socket keeps it in its hibernation-proof state, so revoking one
// credential closes exactly the sockets it opened, everywhere they are.
import { SIGNED_OUT_REASON } from "../shared/signed-out.ts";

export type Credential = `session:${string}` | `token:${string}` | "admin-token";

/** What to close: one credential, or all of a user's sockets, optionally sparing one session. */
export type Revocation = { credential: Credential } | { all: true; exceptSession?: string };

export type ClosedSockets = { closed: number; remaining: number };

export const REVOKED_CLOSE_REASON = SIGNED_OUT_REASON;

export function parseCredential(value: string | null): Credential | null {
  if (value === "admin-token") return value;
  return value && /^(session|token):[\w-]{1,128}$/.test(value) ? (value as Credential) : null;
}

/** Sockets from before credentials were recorded have none: only a revoke-all reaches them. */
export function isRevoked(held: Credential | undefined, revocation: Revocation): boolean {
  if ("credential" in revocation) return held === revocation.credential;
  return !(revocation.exceptSession && held === `session:${revocation.exceptSession}`);
}
