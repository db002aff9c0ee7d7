// The credential a request was made with, as sockets record it (src/rooms/credential.ts).
import type { Credential } from "../../rooms/credential.ts";
import type { Principal } from "./principal.ts";

export function credentialOf(principal: Principal): Credential {
  if (principal.sessionId) return `session:${principal.sessionId}`;
  if (principal.tokenId) return `token:${principal.tokenId}`;
  return "admin-token";
}
