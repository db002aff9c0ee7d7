import { setDark, useDarkTheme } from "../lib/theme.ts";

export function ThemeToggle() {
  const dark = useDarkTheme();
  return (
    <button
      type="button"
      aria-pressed={dark}
      aria-label="Dark theme"
      title={dark ? "Switch to the light theme" : "Switch to the dark theme"}
      onClick={() => setDark(!dark)}
      className="rounded px-2 py-1 text-sm text-slate-300 hover:bg-slate-800 hover:text-white"
    >
      <span aria-hidden="true">{dark ? "☀" : "☾"}</span>
    </button>
  );
}
