// Says, on every page, that the browser is offline and what that means for the user's work.
import { useNetworkOnline } from "../hooks/useNetworkOnline.ts";

export function OfflineBanner() {
  const online = useNetworkOnline();
  return (
    <div role="status" data-testid="offline-banner">
      {!online && (
        <p className="bg-amber-100 px-4 py-2 text-sm text-amber-950 dark:bg-amber-900 dark:text-amber-50">
          <strong>You are offline.</strong> Rooms saved in this browser open and can be edited; your edits are kept here and sent when
          you are back online.
        </p>
      )}
    </div>
  );
}
