// Opening the app with no network: the production shell (served as a deploy serves it, with its
// service worker) opens offline for a signed-in user, lists the rooms this browser saved, opens
// one, takes edits, and sends them to the others once the network is back.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DevStack } from "./dev-stack.ts";
import { apiAs, editorOf, newPerson, shot, signUp, startBrowserStack, typeAtEnd, WAIT_MS } from "./browser.ts";
import { serveProductionShell, type ShellServer } from "./shell-server.ts";

let stack: DevStack;
let browser: Browser;
let shell: ShellServer;
let olga: Page;
let olgaContext: BrowserContext;
let piet: Page;
let roomId = "";
const run = Date.now().toString(36);
const olgaWho = { name: "Olga", email: `olga-${run}@example.com` };
const pietWho = { name: "Piet", email: `piet-${run}@example.com` };

const connection = (page: Page) => page.getByTestId("connection-state");
const FILES = /\/api\/files\//;
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

beforeAll(async () => {
  ({ stack, browser } = await startBrowserStack("dev-stack-offline.log"));
  shell = await serveProductionShell(stack.apiUrl);
  olga = await newPerson(browser, "olga");
  olgaContext = olga.context();
  piet = await newPerson(browser, "piet");
  await signUp(olga, shell.url, olgaWho);
  await signUp(piet, stack.webUrl, pietWho);
  const created = await apiAs(olga, stack.apiUrl, "POST", "/api/rooms", { name: "Field notes", visibility: "private" });
  roomId = created.body.room.id;
  await apiAs(olga, stack.apiUrl, "POST", "/api/rooms", { name: "Never opened here", visibility: "private" });
  const invited = await apiAs(olga, stack.apiUrl, "POST", `/api/rooms/${roomId}/members`, { email: pietWho.email, role: "editor" });
  expect((await apiAs(piet, stack.apiUrl, "POST", `/api/invitations/${invited.body.invitation.id}/accept`)).status).toBe(200);
});

afterEach(async ({ task }) => {
  if (task.result?.state !== "fail") return;
  const name = task.name.replace(/\W+/g, "-");
  await Promise.all([shot(olga, `FAILED-offline-${name}-olga`), shot(piet, `FAILED-offline-${name}-piet`)]);
});

afterAll(async () => {
  await browser?.close();
  await shell?.dispose();
  await stack?.stop();
});

describe("opening the app offline", () => {
  it("caches the production shell in a service worker that controls the page", async () => {
    // The room list online: remembered for offline use.
    await olga.goto(`${shell.url}/#/`);
    await olga.reload(); // the list was shown before the rooms were made
    await olga.getByTestId("room-item-name").filter({ hasText: "Never opened here" }).waitFor();
    expect(await olga.getByTestId("room-item-name").allTextContents()).toEqual(expect.arrayContaining(["Field notes", "Never opened here"]));
    await olga.waitForFunction("navigator.serviceWorker.controller !== null", undefined, { timeout: WAIT_MS });
    const cached = (await olga.evaluate(
      "caches.keys().then(async (keys) => ({ keys, files: (await Promise.all(keys.map(async (k) => (await (await caches.open(k)).keys()).length))) }))",
    )) as { keys: string[]; files: number[] };
    expect(cached.keys).toHaveLength(1);
    expect(cached.keys[0]).toMatch(/^roomful-shell-[0-9a-f]{16}$/);
    expect(cached.files[0]).toBeGreaterThanOrEqual(3); // the document, its script(s) and styles
  });

  it("opens a room online and keeps a copy of it", async () => {
    await olga.goto(`${shell.url}/#/rooms/${roomId}`);
    await editorOf(olga).and(olga.locator('[contenteditable="true"]')).waitFor();
    await typeAtEnd(olga, "Typed online.");
    // An image in the document, pasted (a 1x1 PNG): its bytes are the room's file, not part of the copy.
    await olga.evaluate(`(() => {
      const bytes = Uint8Array.from(atob(${JSON.stringify(PNG)}), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], "dot.png", { type: "image/png" }));
      document.querySelector(".ProseMirror").dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    })()`);
    await editorOf(olga).locator('img[alt="dot"]').waitFor();
    await piet.goto(`${stack.webUrl}/#/rooms/${roomId}`);
    await editorOf(piet).getByText("Typed online.").waitFor();
    await olga.getByText("Unsaved changes").waitFor({ state: "hidden" });
  });

  it("reloads with no network and no web server: the saved rooms list, the room opens and takes edits", async () => {
    await olgaContext.setOffline(true);
    await shell.stop();
    // The browser may still hold the image's bytes in a cache; refuse them, as a cold cache would.
    await olga.route(FILES, (route) => route.abort("internetdisconnected"));
    await olga.goto(`${shell.url}/#/`);
    await olga.getByTestId("offline-banner").getByText("You are offline.").waitFor();
    await olga.getByTestId("offline-rooms-note").waitFor();
    // Only the room with a copy in this browser: the other one would open empty.
    const names = await olga.getByTestId("room-item-name").allTextContents();
    expect(names).toEqual(["Field notes"]);
    await shot(olga, "desktop-offline-rooms");

    await olga.getByRole("link", { name: /Field notes/ }).click();
    await editorOf(olga).getByText("Typed online.").waitFor();
    // The image's file cannot load offline: said so, not shown as removed.
    await editorOf(olga).getByRole("img", { name: "Image not loaded while offline: dot" }).waitFor();
    expect(await connection(olga).textContent()).toBe("Offline");
    await editorOf(olga).and(olga.locator('[contenteditable="true"]')).waitFor();
    await typeAtEnd(olga, " Typed offline.");
    await olga.getByText("Unsaved changes").waitFor();
    await shot(olga, "desktop-offline-room");

    // Still offline, a reload keeps the edit: it lives in the browser's copy.
    await olga.reload();
    await editorOf(olga).locator("p", { hasText: "Typed online." }).filter({ hasText: "Typed offline." }).waitFor();
    expect(await connection(olga).textContent()).toBe("Offline");
  });

  it("sends the edits typed offline to the others once the network is back", async () => {
    expect(await editorOf(piet).textContent()).not.toContain("Typed offline.");
    await shell.start();
    await olga.unroute(FILES);
    await olgaContext.setOffline(false);
    await editorOf(piet).getByText("Typed online. Typed offline.").waitFor();
    await olga.getByTestId("offline-banner").getByText("You are offline.").waitFor({ state: "hidden" });
    await olga.getByText("Unsaved changes").waitFor({ state: "hidden" });
    // Back online, the image loads.
    await expect.poll(() => editorOf(olga).locator('img[alt="dot"]').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
  });
});

describe("a new deploy", () => {
  const shellCaches = (page: Page) => page.evaluate("caches.keys()") as Promise<string[]>;

  it("replaces the shell on the room list, with no file of the old build left in use; a tab in a room reloads only once back on the list", async () => {
    const [before] = await shellCaches(olga);
    const oldScript = await olga.locator("script[src]").getAttribute("src");
    // A second tab of hers is in a room, editing: it must not reload under her hands.
    const inRoom = await olgaContext.newPage();
    await inRoom.goto(`${shell.url}/#/rooms/${roomId}`);
    await editorOf(inRoom).getByText("Typed offline.").waitFor();
    await inRoom.evaluate("window.oldPage = true; navigator.serviceWorker.addEventListener('controllerchange', () => { window.controllerChanged = true; })");
    shell.redeploy();
    await olga.goto(`${shell.url}/#/`);
    await olga.reload();
    // The new build's worker installs, the room list lets it take over, the page reloads under it.
    await expect.poll(() => shellCaches(olga), { timeout: WAIT_MS }).toEqual([expect.not.stringMatching(before!)]);
    await olga.waitForFunction(`navigator.serviceWorker.controller?.state === "activated"`, undefined, { timeout: WAIT_MS });
    const script = await olga.locator("script[src]").getAttribute("src");
    expect(script).not.toBe(oldScript);
    // What the page runs is what the one remaining cache holds.
    const stylesheet = await olga.locator('link[rel="stylesheet"]').getAttribute("href");
    for (const file of [script, stylesheet]) expect(await olga.evaluate(`caches.match(${JSON.stringify(file)}).then((r) => !!r)`)).toBe(true);
    await olga.getByTestId("room-item-name").filter({ hasText: "Field notes" }).waitFor();

    // The tab in the room saw the new build take over and stayed put; back on the room list it reloads into it.
    await inRoom.waitForFunction("window.controllerChanged === true", undefined, { timeout: WAIT_MS });
    expect(await inRoom.evaluate("window.oldPage")).toBe(true);
    await Promise.all([inRoom.waitForEvent("load"), inRoom.evaluate("location.hash = '#/'")]);
    expect(await inRoom.evaluate("window.oldPage")).toBeUndefined();
    expect(await inRoom.locator("script[src]").getAttribute("src")).toBe(script);
    await inRoom.close();
  });
});

describe("signing out", () => {
  it("forgets what the user saved in this browser: offline, the app then asks to sign in", async () => {
    await olga.goto(`${shell.url}/#/`);
    await olga.getByRole("button", { name: "Sign out" }).click();
    await olga.getByRole("button", { name: "Sign in" }).waitFor();
    await expect.poll(() => olga.evaluate("Object.keys(localStorage).filter((key) => key.startsWith('roomful:offline'))")).toEqual([]);
    await expect.poll(() => olga.evaluate("indexedDB.databases().then((dbs) => dbs.map((db) => db.name).filter((name) => name.startsWith('roomful:')))")).toEqual([]);
    await olgaContext.setOffline(true);
    await olga.reload();
    await olga.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await olga.getByTestId("current-user").count()).toBe(0);
    await olgaContext.setOffline(false);
  });
});
