// Light or dark: the system's choice (prefers-color-scheme) until the person picks one with the
// header's toggle; that choice is remembered in this browser. The `dark` class on <html> drives
// Tailwind's `dark:` variant (styles.css), and color-scheme styles the native controls.
import { useSyncExternalStore } from "react";

const STORAGE_KEY = "roomful:theme";
const systemDark = () => window.matchMedia("(prefers-color-scheme: dark)");
const listeners = new Set<() => void>();

function stored(): "light" | "dark" | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === "light" || value === "dark" ? value : null;
  } catch {
    return null; // storage blocked: follow the system
  }
}

export function isDark(): boolean {
  return (stored() ?? (systemDark().matches ? "dark" : "light")) === "dark";
}

function apply(): void {
  const dark = isDark();
  document.documentElement.classList.toggle("dark", dark);
  document.documentElement.style.colorScheme = dark ? "dark" : "light";
  for (const listener of listeners) listener();
}

/** Call once before the first render, so the page never flashes the other theme. */
export function startTheme(): void {
  apply();
  systemDark().addEventListener("change", apply);
}

export function setDark(dark: boolean): void {
  try {
    localStorage.setItem(STORAGE_KEY, dark ? "dark" : "light");
  } catch {
    // not remembered, but still applied
  }
  apply();
}

export function useDarkTheme(): boolean {
  return useSyncExternalStore((onChange) => {
    listeners.add(onChange);
    return () => listeners.delete(onChange);
  }, isDark);
}
