// Registers the app shell's service worker (src/client/sw.ts) in production builds, and moves
// the page to a new deploy's shell only where that is safe.
//
// A new build's worker installs beside the old one and waits. This page asks it to take over
// only on the room list with nothing focused (never mid-edit in a room or mid-typing in a form),
// then reloads once it controls the page, so scripts of two builds never mix in one page.

/** Set by scripts/build-client.ts; the dev server has no worker (it would fight hot reload). */
function shellWorkerUrl(): string | undefined {
  try {
    return process.env.ROOMFUL_SHELL_WORKER;
  } catch {
    return undefined;
  }
}

export function startShellWorker(): void {
  const url = shellWorkerUrl();
  if (!url || !("serviceWorker" in navigator)) return;
  // The first install claims this page: nothing to reload. Later, a change of controller means a
  // new build took over (asked for by this tab or another one). Listening before registering
  // misses no change.
  let controlled = navigator.serviceWorker.controller !== null;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (controlled) reloadWhenSafe();
    controlled = true;
  });
  navigator.serviceWorker.register(url).then(followUpdates, (error: unknown) => console.error("service worker:", error));
}

let reloading = false;

/** Reloads into the new build; a tab in a room waits until it is back on the room list. */
function reloadWhenSafe(): void {
  if (reloading) return;
  if (!safeToReload()) return window.addEventListener("hashchange", reloadWhenSafe, { once: true });
  reloading = true;
  window.location.reload();
}

function followUpdates(registration: ServiceWorkerRegistration): void {
  const activateWhenSafe = () => {
    if (registration.waiting && navigator.serviceWorker.controller && safeToReload()) registration.waiting.postMessage("skip-waiting");
  };
  registration.addEventListener("updatefound", () => {
    const installing = registration.installing;
    installing?.addEventListener("statechange", () => {
      if (installing.state === "installed") activateWhenSafe();
    });
  });
  window.addEventListener("hashchange", activateWhenSafe);
  activateWhenSafe();
  // A tab left open for days still learns of new deploys.
  setInterval(() => void registration.update().catch(() => {}), 60 * 60 * 1000);
}

/** The room list, with no field being typed in. */
function safeToReload(): boolean {
  const route = window.location.hash.replace(/^#/, "");
  const onRoomList = route === "" || route === "/";
  const typing = document.activeElement instanceof HTMLInputElement || document.activeElement instanceof HTMLTextAreaElement;
  return onRoomList && !typing;
}
