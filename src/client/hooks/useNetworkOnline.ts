// Whether the browser has a network at all (navigator.onLine, live).
import { useSyncExternalStore } from "react";

function subscribe(listener: () => void): () => void {
  window.addEventListener("online", listener);
  window.addEventListener("offline", listener);
  return () => {
    window.removeEventListener("online", listener);
    window.removeEventListener("offline", listener);
  };
}

export function useNetworkOnline(): boolean {
  return useSyncExternalStore(subscribe, () => navigator.onLine);
}
