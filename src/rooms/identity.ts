// Headers the Worker sets on a connection it has authorized. The Worker deletes any
// client-sent copies first, so the room object can trust them.
export const TRUSTED_HEADERS = {
  userId: "x-roomful-user-id",
  userName: "x-roomful-user-name",
  role: "x-roomful-connection-role",
  /** The session or token the socket was opened with (src/core/credential.ts). */
  credential: "x-roomful-credential",
  /** "read" when the credential is a read-only token: no role change may make it an editor. */
  scope: "x-roomful-credential-scope",
} as const;

/** What a connection may do with the document (not the membership role). */
export type RoomRole = "editor" | "viewer";

export function stripTrustedHeaders(headers: Headers): void {
  for (const name of Object.values(TRUSTED_HEADERS)) headers.delete(name);
}
