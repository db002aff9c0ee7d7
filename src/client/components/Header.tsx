import { useSession } from "../hooks/useSession.ts";
import { useToast } from "../hooks/useToast.ts";
import { colourFor } from "../../shared/colour.ts";
import { initials } from "../lib/initials.ts";
import { navigate } from "../lib/route.ts";
import { SearchBox } from "./SearchBox.tsx";
import { NotificationBell } from "./notifications/NotificationBell.tsx";
import { ThemeToggle } from "./ThemeToggle.tsx";

export function Header() {
  const { user, signOut } = useSession();
  const toast = useToast();
  if (!user) return null;
  return (
    <header className="flex items-center gap-2 bg-slate-900 px-3 py-2 text-white md:gap-3 md:px-4">
      <a href="#/" className="inline-flex min-h-11 items-center font-semibold tracking-tight md:min-h-0">Roomful</a>
      <SearchBox />
      <span className="ml-auto flex items-center gap-2 text-sm" data-testid="current-user">
        <span className="flex h-6 w-6 items-center justify-center rounded-full text-[10px] font-bold" style={{ backgroundColor: colourFor(user.id) }} aria-hidden="true">
          {initials(user.name)}
        </span>
        {/* A phone keeps the avatar; the name stays for screen readers. */}
        <span className="sr-only md:not-sr-only">{user.name}</span>
      </span>
      <NotificationBell />
      <ThemeToggle />
      <button
        type="button"
        className="rounded px-2 py-1 text-sm whitespace-nowrap text-slate-300 hover:bg-slate-800 hover:text-white"
        onClick={() => signOut().then(() => navigate("/signin"), toast.error)}
      >
        Sign out
      </button>
    </header>
  );
}
