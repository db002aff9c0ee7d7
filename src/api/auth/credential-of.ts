// The credential a request was made with, as sockets record it (src/core/credential.ts).
import type { Credential } from "../../core/credential.ts";
import type { Principal } from "./principal.ts";

export function credentialOf(principal: Principal): Credential {
  if (principal.sessionId) return `session:${principal.sessionId}`;
  if (principal.tokenId) return `token:${principal.tokenId}`;
  return "admin-token";
}
