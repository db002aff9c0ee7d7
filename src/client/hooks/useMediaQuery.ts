// A CSS media query as React state, following the window as it changes (rotation, resize).
import { useSyncExternalStore } from "react";

export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener("change", onChange);
      return () => list.removeEventListener("change", onChange);
    },
    () => window.matchMedia(query).matches,
  );
}

/** Below Tailwind's `md` breakpoint (768 px): the room shows the document alone, panels as sheets. */
export const useIsPhone = () => useMediaQuery("(max-width: 767px)");
