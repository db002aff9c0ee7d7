// Close codes of the /api/chat socket, shared by the presence object and the web client.
// 4400-4499 mean "do not reconnect on your own": reconnecting would meet the same refusal.
export const ChatCloseCode = {
  /** More than 20 malformed frames. */
  malformed: 4400,
  /** The session or token the socket was opened with was revoked, or the account deleted. */
  signedOut: 4403,
  /** The user opened more chat sockets than allowed: the oldest is closed to make room. */
  tooManySockets: 4429,
} as const;
