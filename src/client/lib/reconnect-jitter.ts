// y-partyserver's provider reconnects 100 ms after a drop, doubling on each failure up to
// maxBackoffTime, with no randomness: when a deploy closes every socket of a room at once
// (PLATFORM.md, DO lifecycle), every client comes back in the same instant, and again together
// on each retry. This spreads them: each reconnect waits an extra random share of a window that
// grows with the failures in a row (0-1 s after a drop, up to 0-8 s).
const FIRST_WINDOW_MS = 1_000;
const MAX_WINDOW_MS = 8_000;

type Reconnecting = { _reconnectWS(): Promise<void> | void; shouldConnect: boolean; wsUnsuccessfulReconnects: number; ws: unknown };

export function jitterMs(failures: number, random = Math.random): number {
  return random() * Math.min(MAX_WINDOW_MS, FIRST_WINDOW_MS * 2 ** Math.min(failures, 10));
}

/** Wraps the provider's reconnect (which runs after its own backoff) in a random extra wait. */
export function addReconnectJitter(provider: Reconnecting): void {
  const reconnect = provider._reconnectWS.bind(provider);
  provider._reconnectWS = () =>
    new Promise<void>((resolve) => setTimeout(resolve, jitterMs(provider.wsUnsuccessfulReconnects))).then(() => {
      // Disconnected on purpose meanwhile (access lost, the tab left the room): stay down; and
      // connected again meanwhile (connect() after coming back online): no second socket.
      if (provider.shouldConnect && provider.ws === null) return reconnect();
    });
}
