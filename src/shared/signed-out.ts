// The close reason of a room or chat socket whose session or token was revoked (code 4403),
// so the web client can say "signed out" rather than "access removed".
export const SIGNED_OUT_REASON = "Signed out";
