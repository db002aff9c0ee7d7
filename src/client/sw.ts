// The app shell's service worker: lets a signed-in user open the app with no network.
//
// It caches exactly one build's shell (index.html, its scripts and styles), under a cache named
// for that build's hash, so a page is always served a document and assets of the same build:
// - navigations go to the network first and fall back to this build's cached document; the
//   network's answer is never written into this cache (a newer index.html would point at chunks
//   this cache does not hold);
// - the build's hashed assets come from its cache; anything else, and the API above all, is never
//   intercepted (offline data lives in the app's IndexedDB and localStorage, keyed by user);
// - a new build installs beside the old one and takes over only when a page asks it to
//   (lib/offline-shell.ts does so where a reload is safe), then deletes older builds' caches.
//
// Built by scripts/build-client.ts, which defines the two constants below.
declare const SHELL_VERSION: string;
/** URL paths of this build's shell, "/" (the document) first. */
declare const SHELL_FILES: string[];

// The DOM lib has no service worker types; this is the slice used here.
type ExtendableEvent = Event & { waitUntil(promise: Promise<unknown>): void };
type FetchEvent = ExtendableEvent & { request: Request; respondWith(response: Promise<Response>): void };
type WorkerScope = {
  location: Location;
  clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: "fetch", listener: (event: FetchEvent) => void): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
};

const scope = self as unknown as WorkerScope;
const PREFIX = "roomful-shell-";
const CACHE = `${PREFIX}${SHELL_VERSION}`;
const DOCUMENT = "/";
/** A network that neither answers nor fails (a captive portal, one bar) falls back after this. */
const NAVIGATION_TIMEOUT_MS = 4_000;

scope.addEventListener("install", (event) => {
  // Every file or none: a half-cached shell would open offline broken.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL_FILES)));
});

scope.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      await scope.clients.claim();
    })(),
  );
});

scope.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") void scope.skipWaiting();
});

scope.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== scope.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/parties/")) return;
  if (request.mode === "navigate") event.respondWith(documentFor(request));
  else if (SHELL_FILES.includes(url.pathname)) event.respondWith(shellFile(request));
});

async function documentFor(request: Request): Promise<Response> {
  try {
    return await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
  } catch {
    const cached = await caches.match(DOCUMENT, { cacheName: CACHE });
    if (cached) return cached;
    throw new Error("offline, and no app shell cached");
  }
}

async function shellFile(request: Request): Promise<Response> {
  return (await caches.match(request, { cacheName: CACHE })) ?? fetch(request);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out")), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

export {};
