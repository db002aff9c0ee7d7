// Going where a notification points: its url is a client hash route (`/#/rooms/:id?message=…`,
// `?thread=…`, `?block=…`, or `/#/`). Messages and threads are found by the room from the url
// (room-target.ts); a document block is revealed after navigating, as a search hit's is.
import { navigate } from "./route.ts";
import { revealBlock } from "../components/SearchBox.tsx";

export function openNotificationUrl(url: string): void {
  const path = url.replace(/^\/?#/, "");
  // Only our own routes: a url is data from the server, never a way off the app.
  if (!path.startsWith("/")) return navigate("/");
  const block = new URLSearchParams(path.split("?")[1] ?? "").get("block");
  const position = Number(block);
  const reveal = block !== null && Number.isSafeInteger(position) && position >= 0 ? () => revealBlock(position) : null;
  if (window.location.hash === `#${path}`) return reveal?.();
  // The outline goes away on hashchange: draw it after this navigation's own event.
  if (reveal) window.addEventListener("hashchange", reveal, { once: true });
  navigate(path);
}
