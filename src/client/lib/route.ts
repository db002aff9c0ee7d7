// Hash routes: the Bun dev server and the deployed SPA both serve index.html for "/",
// so the hash keeps routing entirely in the browser.
import { useEffect, useState } from "react";

export type Route = { page: "rooms" } | { page: "room"; roomId: string } | { page: "signin" } | { page: "signup" };

function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "");
  // A search hit's url adds ?block= or ?message= (where in the room); the room is the route.
  const room = /^\/rooms\/([0-9a-f-]{36})(?:\?.*)?$/.exec(path);
  if (room) return { page: "room", roomId: room[1]! };
  if (path === "/signup") return { page: "signup" };
  if (path === "/signin") return { page: "signin" };
  return { page: "rooms" };
}

export function navigate(path: string): void {
  window.location.hash = path;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
