// The browser's offline copies of room documents (y-indexeddb): one IndexedDB database per
// user and room, so a copy never opens for another account in the same browser, and every
// copy of a user can be found and deleted when they sign out.

const PREFIX = "roomful:";
/** Before copies were keyed by user: `roomful:<roomId>`, readable by whoever signed in next. */
const UNKEYED = /^roomful:[0-9a-f-]{36}$/;

export const offlineCopyName = (userId: string, roomId: string) => `${PREFIX}${userId}:${roomId}`;

/**
 * Deletes a database. Resolves once it is gone, or once deletion is queued behind a connection
 * still open (the browser finishes it when that closes; "blocked" says so).
 */
function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
    request.onblocked = () => resolve();
  });
}

/** Names of the offline copies this browser holds for the user, plus unkeyed ones from before. */
async function copiesOf(userId: string): Promise<string[]> {
  // Every current browser has indexedDB.databases() (Chromium 71, Firefox 126, Safari 14).
  const databases = await indexedDB.databases();
  return databases
    .map((db) => db.name ?? "")
    .filter((name) => name.startsWith(offlineCopyName(userId, "")) || UNKEYED.test(name));
}

/** On sign-out: nothing of the user's rooms stays in this browser. */
export async function clearOfflineCopies(userId: string): Promise<void> {
  await Promise.all((await copiesOf(userId)).map(deleteDatabase));
}

/** An unkeyed copy of this room may be another account's: it is never opened, only deleted. */
export function deleteUnkeyedCopy(roomId: string): Promise<void> {
  return deleteDatabase(`${PREFIX}${roomId}`);
}

/** Rooms this browser holds an offline copy of, for the user: what can open with no network. */
export async function roomsWithCopies(userId: string): Promise<Set<string>> {
  const prefix = offlineCopyName(userId, "");
  const databases = await indexedDB.databases();
  return new Set(databases.map((db) => db.name ?? "").filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length)));
}
