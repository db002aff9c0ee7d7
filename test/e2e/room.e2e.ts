// Two people in one room, in a real browser: sign up, invite, co-edit with named carets,
// presence, chat, files, roles, reload and restore. Every wait is on a condition.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startDevStack, type DevStack } from "./dev-stack.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-results");
const WAIT_MS = 30_000;

let stack: DevStack;
let browser: Browser;
let alice: Page;
let bob: Page;
const run = Date.now().toString(36);
const people = {
  alice: { name: "Alice Example", email: `alice-${run}@example.com` },
  bob: { name: "Bob Example", email: `bob-${run}@example.com` },
};

const editorOf = (page: Page) => page.locator(".ProseMirror");
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
const tab = (page: Page, name: string) => page.getByRole("tab", { name }).click();

async function signUp(page: Page, who: { name: string; email: string }): Promise<void> {
  await page.goto(`${stack.webUrl}/#/signup`);
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByTestId("current-user").filter({ hasText: who.name }).waitFor();
}

/** Opens search with the shortcut and asks again until `until` holds (the index follows edits within seconds). */
async function searchFor(page: Page, q: string, until: (page: Page) => Promise<boolean>): Promise<void> {
  await page.keyboard.press("Control+k");
  const box = page.getByRole("combobox", { name: "Search documents, messages and files" });
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    await box.fill("");
    await box.fill(q);
    if (await until(page)) return;
    if (Date.now() > deadline) throw new Error(`search for "${q}" did not settle`);
  }
}
const shows = (locator: ReturnType<Page["getByTestId"]>) => locator.first().waitFor({ timeout: 2_000 }).then(() => true, () => false);

/** Types at the end of the document. */
async function typeAtEnd(page: Page, text: string): Promise<void> {
  await editorOf(page).click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startDevStack(path.join(ARTIFACTS, "dev-stack.log"));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  for (const [who, set] of [
    ["alice", (p: Page) => (alice = p)],
    ["bob", (p: Page) => (bob = p)],
  ] as const) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on("pageerror", (error) => console.error(`[${who}] page error:`, error));
    set(page);
  }
});

afterEach(async ({ task }) => {
  if (task.result?.state !== "fail") return;
  const name = task.name.replace(/\W+/g, "-");
  await Promise.all([alice && shot(alice, `FAILED-${name}-alice`), bob && shot(bob, `FAILED-${name}-bob`)]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("two people in one room", () => {
  let roomId = "";

  it("both sign up and see their onboarding progress", async () => {
    await signUp(alice, people.alice);
    await signUp(bob, people.bob);
    await alice.getByRole("region", { name: "Onboarding" }).getByTestId("onboarding-steps").locator("li").first().waitFor();
  });

  it("Alice creates a private room and invites Bob, who accepts from his room list", async () => {
    await alice.getByLabel("Room name").fill("Design review");
    await alice.getByLabel("Visibility").selectOption("private");
    await alice.getByRole("button", { name: "Create room" }).click();
    await alice.waitForURL(/#\/rooms\/[0-9a-f-]{36}$/);
    roomId = /rooms\/([0-9a-f-]{36})/.exec(alice.url())![1]!;

    await tab(alice, "Members");
    await alice.getByLabel("Email to invite").fill(people.bob.email);
    await alice.getByLabel("Role", { exact: true }).selectOption("editor");
    await alice.getByRole("button", { name: "Invite" }).click();
    // Pending until Bob accepts: he is not a member yet.
    await alice.getByText(`Invitation sent to ${people.bob.email}`).waitFor();

    await bob.goto(`${stack.webUrl}/#/`);
    await bob.reload(); // he was already on the list: it refreshes itself only every 15 s
    await bob.getByTestId("invitation").filter({ hasText: "Design review" }).getByRole("button", { name: "Accept" }).click();
    await bob.getByRole("list", { name: "Rooms" }).getByText("Design review").waitFor();
  });

  it("both open it, type, and see each other's text and named caret", async () => {
    await bob.goto(`${stack.webUrl}/#/rooms/${roomId}`);
    await editorOf(alice).and(alice.locator('[contenteditable="true"]')).waitFor();
    await editorOf(bob).and(bob.locator('[contenteditable="true"]')).waitFor();

    await typeAtEnd(alice, "Hello from Alice.");
    await editorOf(bob).filter({ hasText: "Hello from Alice." }).waitFor();
    await typeAtEnd(bob, " Hi from Bob.");
    await editorOf(alice).filter({ hasText: "Hi from Bob." }).waitFor();

    await alice.locator(".collaboration-carets__label", { hasText: people.bob.name }).waitFor();
    await bob.locator(".collaboration-carets__label", { hasText: people.alice.name }).waitFor();
    // Edits are acknowledged: the indicator settles on "Connected" without unsaved changes.
    await alice.getByText("Unsaved changes").waitFor({ state: "detached" });
  });

  it("both appear in each other's avatar stack", async () => {
    await alice.getByRole("list", { name: "People in this room" }).getByLabel(people.bob.name).waitFor();
    await bob.getByRole("list", { name: "People in this room" }).getByLabel(people.alice.name).waitFor();
    await alice.getByTestId("connection-state").filter({ hasText: "Connected" }).waitFor();
    await shot(alice, "alice-room");
    await shot(bob, "bob-room");
  });

  it("a chat message from each appears on both", async () => {
    await tab(alice, "Chat");
    await tab(bob, "Chat");
    await alice.getByLabel("Message", { exact: true }).fill("Morning Bob!");
    await alice.getByRole("button", { name: "Send" }).click();
    await bob.getByTestId("chat-message").filter({ hasText: "Morning Bob!" }).waitFor();
    await bob.getByLabel("Message", { exact: true }).fill("Morning Alice!");
    await bob.getByRole("button", { name: "Send" }).click();
    await alice.getByTestId("chat-message").filter({ hasText: "Morning Alice!" }).waitFor();
    await bob.getByTestId("chat-message").filter({ hasText: "Morning Alice!" }).waitFor();
  });

  it("Alice writes \"quarterly revenue\"; Bob finds it with Ctrl-K and lands on the paragraph; Carol, an outsider, finds nothing", async () => {
    await editorOf(alice).click();
    await alice.keyboard.press("Control+End");
    await alice.keyboard.press("Enter");
    await alice.keyboard.type("Our quarterly revenue grew this spring.");
    await bob.goto(`${stack.webUrl}/#/`);
    await bob.getByRole("list", { name: "Rooms" }).waitFor();
    const hit = (page: Page) => page.getByTestId("search-result").filter({ hasText: "quarterly revenue" });
    await searchFor(bob, "quarterly revenue", (page) => shows(hit(page)));
    expect(await hit(bob).getAttribute("data-type")).toBe("document");
    expect(await hit(bob).locator("mark").allInnerTexts()).toEqual(["quarterly", "revenue"]);
    await shot(bob, "bob-search");
    await bob.keyboard.press("Enter");
    // Landed on the paragraph: the outline the search puts over it names its text.
    await bob.locator('[data-testid="search-landing"][data-text*="quarterly revenue"]').waitFor({ state: "attached" });
    expect(bob.url()).toContain(`#/rooms/${roomId}`);

    const carolContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const carol = await carolContext.newPage();
    carol.setDefaultTimeout(WAIT_MS);
    await signUp(carol, { name: "Carol Outsider", email: `carol-outsider-${run}@example.com` });
    await searchFor(carol, "quarterly revenue", (page) => shows(page.getByTestId("search-empty")));
    expect(await hit(carol).count()).toBe(0);
    await carolContext.close();
  });

  it("Bob finds an older chat message with Ctrl-K and the chat opens at it, paging back past the first page", async () => {
    await tab(alice, "Chat");
    await alice.getByLabel("Message", { exact: true }).fill("The Lisbon offsite budget is settled.");
    await alice.getByRole("button", { name: "Send" }).click();
    await alice.getByTestId("chat-message").filter({ hasText: "Lisbon offsite" }).waitFor();
    // 60 newer messages (more than the 50 a subscription starts with), posted by the dev admin token.
    for (let i = 0; i < 60; i++) {
      const res = await fetch(`${stack.apiUrl}/api/rooms/${roomId}/messages`, {
        method: "POST",
        headers: { authorization: "Bearer dev-admin-token", "content-type": "application/json" },
        body: JSON.stringify({ body: `Filler message ${i}` }),
      });
      expect(res.status).toBe(201);
    }
    await bob.goto(`${stack.webUrl}/#/`);
    await bob.getByRole("list", { name: "Rooms" }).waitFor();
    const hit = (page: Page) => page.getByTestId("search-result").filter({ hasText: "Lisbon offsite" });
    await searchFor(bob, "lisbon", (page) => shows(hit(page)));
    expect(await hit(bob).getAttribute("data-type")).toBe("message");
    await bob.keyboard.press("Enter");
    const landed = bob.locator('[data-testid="chat-message"][data-landing]');
    await landed.filter({ hasText: "The Lisbon offsite budget is settled." }).waitFor();
    expect(bob.url()).toMatch(new RegExp(`#/rooms/${roomId}\\?message=[0-9a-f-]{36}&seq=\\d+$`));
    // It was paged in (the first page holds only the newest 50) and is scrolled into the log's view.
    expect(await bob.getByTestId("chat-message").filter({ hasText: "Filler message 0" }).count()).toBe(1);
    const log = (await bob.getByRole("log", { name: "Messages" }).boundingBox())!;
    const box = (await landed.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(log.y);
    expect(box.y + box.height).toBeLessThanOrEqual(log.y + log.height);
  });

  it("Alice uploads a file with progress; Bob sees it and downloads the same bytes", async () => {
    await tab(alice, "Files");
    await tab(bob, "Files");
    await bob.getByText("No files yet.").waitFor();
    // Record every state of the progress bar: a fast local upload may show it only briefly.
    await alice.evaluate(`(() => {
      window.__progress = [];
      const record = () => document.querySelectorAll('[data-testid="upload-progress"]').forEach((bar) => window.__progress.push([bar.value, bar.max]));
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);
    // Over the 10 MiB threshold, so it takes the multipart (R2 parts) path.
    const bytes = randomBytes(12 * 1024 * 1024 + 12_345);
    await alice.getByLabel("Upload files").setInputFiles({ name: "plans.bin", mimeType: "application/octet-stream", buffer: bytes });
    await alice.getByTestId("file-name").filter({ hasText: "plans.bin" }).waitFor();
    const progress = (await alice.evaluate("window.__progress")) as [number, number][];
    expect(progress.some(([value, max]) => value > 0 && max === bytes.length)).toBe(true);

    await bob.getByTestId("file-name").filter({ hasText: "plans.bin" }).waitFor();
    const [download] = await Promise.all([bob.waitForEvent("download"), bob.getByRole("button", { name: "Download plans.bin" }).click()]);
    const saved = readFileSync((await download.path())!);
    expect(createHash("sha256").update(saved).digest("hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
    await shot(bob, "bob-files");
  });

  it("Bob, made a viewer, cannot type", async () => {
    await tab(alice, "Members");
    await alice.getByLabel(`Role of ${people.bob.name}`).selectOption("viewer");
    await bob.locator('.ProseMirror[contenteditable="false"]').waitFor();
    await bob.getByText("Read-only").waitFor();
    await editorOf(bob).click();
    await bob.keyboard.type("viewer text");
    expect(await editorOf(bob).innerText()).not.toContain("viewer text");
    await shot(bob, "bob-viewer");
  });

  it("after a reload the document is intact", async () => {
    await alice.reload();
    await editorOf(alice).filter({ hasText: "Hello from Alice." }).filter({ hasText: "Hi from Bob." }).waitFor();
    expect(await editorOf(alice).innerText()).not.toContain("viewer text");
  });

  it("Alice restores a snapshot and Bob's editor changes live", async () => {
    await tab(alice, "History");
    await alice.getByLabel("Snapshot label").fill("before extra");
    await alice.getByRole("button", { name: "Take snapshot" }).click();
    await alice.getByTestId("snapshot-item").filter({ hasText: "before extra" }).waitFor();

    await typeAtEnd(alice, " EXTRA LINE");
    await editorOf(bob).filter({ hasText: "EXTRA LINE" }).waitFor();

    await alice.getByTestId("snapshot-item").filter({ hasText: "before extra" }).getByRole("button").click();
    await alice.frameLocator('iframe[title="Snapshot preview"]').getByText("Hello from Alice.").waitFor();
    await alice.getByRole("button", { name: "Restore this version" }).click();
    await editorOf(bob).filter({ hasNotText: "EXTRA LINE" }).filter({ hasText: "Hello from Alice." }).waitFor();
    await shot(alice, "alice-restored");
    await shot(bob, "bob-restored");
  });
});

// Set up through the REST API (as each person's page), so these steps stand on their own.
describe("the browser's offline copy of a room", () => {
  let carol: Page;
  let dave: Page;
  let roomId = "";
  /** While true, Dave's room frames never reach the room (as if his network dropped them). */
  let holdDave = false;
  const carolWho = { name: "Carol Example", email: `carol-${run}@example.com` };
  const daveWho = { name: "Dave Example", email: `dave-${run}@example.com` };

  /** A JSON API call made by the page itself, with its session cookie. */
  async function apiAs(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const init = JSON.stringify({ method, credentials: "include", ...(body !== undefined && { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) });
    return (await page.evaluate(
      `fetch(${JSON.stringify(stack.apiUrl + path)}, ${init}).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null) }))`,
    )) as { status: number; body: any };
  }

  /** The page's IndexedDB databases that are offline copies of room documents. */
  async function offlineCopies(page: Page): Promise<string[]> {
    const names = (await page.evaluate("indexedDB.databases().then((dbs) => dbs.map((db) => db.name))")) as string[];
    return names.filter((name) => name.startsWith("roomful:")).sort();
  }

  const setDaveRole = async (role: "editor" | "viewer") =>
    expect((await apiAs(carol, "POST", `/api/rooms/${roomId}/members`, { email: daveWho.email, role })).status).toBe(200);

  beforeAll(async () => {
    for (const [who, set] of [
      ["carol", (p: Page) => (carol = p)],
      ["dave", (p: Page) => (dave = p)],
    ] as const) {
      const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
      page.setDefaultTimeout(WAIT_MS);
      page.on("pageerror", (error) => console.error(`[${who}] page error:`, error));
      set(page);
    }
    // Dave's room sockets go through the test, which can hold back what his page sends.
    await dave.routeWebSocket(/\/parties\/room\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        if (!holdDave) server.send(message);
      });
      server.onMessage((message) => ws.send(message));
      ws.onClose((code, reason) => server.close({ code, reason }));
      server.onClose((code, reason) => ws.close({ code, reason }));
    });
    await signUp(carol, carolWho);
    await signUp(dave, daveWho);
    const created = await apiAs(carol, "POST", "/api/rooms", { name: "Offline copies", visibility: "private" });
    expect(created.status).toBe(201);
    roomId = created.body.room.id;
    const invited = await apiAs(carol, "POST", `/api/rooms/${roomId}/members`, { email: daveWho.email, role: "editor" });
    expect(invited.status).toBe(202);
    expect((await apiAs(dave, "POST", `/api/invitations/${invited.body.invitation.id}/accept`)).status).toBe(200);
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === "fail") await Promise.all([shot(carol, `FAILED-offline-carol`), shot(dave, `FAILED-offline-dave`)]);
  });

  it("edits the room never stored are shown as not saved when the editor is made a viewer, even after a reload", async () => {
    await carol.goto(`${stack.webUrl}/#/rooms/${roomId}`);
    await dave.goto(`${stack.webUrl}/#/rooms/${roomId}`);
    await typeAtEnd(carol, "Carol's text.");
    await editorOf(dave).filter({ hasText: "Carol's text." }).and(dave.locator('[contenteditable="true"]')).waitFor();
    expect(await offlineCopies(dave)).toEqual([expect.stringMatching(new RegExp(`^roomful:[0-9a-f-]{36}:${roomId}$`))]);

    holdDave = true;
    await typeAtEnd(dave, " UNSENT BY DAVE");
    await dave.getByText("Unsaved changes").waitFor();
    await setDaveRole("viewer");
    await dave.getByTestId("edits-not-saved").waitFor();
    await editorOf(dave).filter({ hasText: "UNSENT BY DAVE" }).waitFor();
    expect(await editorOf(carol).innerText()).not.toContain("UNSENT BY DAVE");
    await shot(dave, "dave-not-saved");

    // The offline copy keeps them flagged: after a reload (frames flowing again, and dropped by
    // the room as a viewer's) they are still shown as not saved, until Dave discards them.
    holdDave = false;
    await dave.reload();
    await dave.getByTestId("edits-not-saved").waitFor();
    await editorOf(dave).filter({ hasText: "UNSENT BY DAVE" }).waitFor();
    await dave.getByRole("button", { name: "Discard unsaved edits" }).click();
    await dave.getByTestId("refused-edits").waitFor({ state: "detached" });
    await editorOf(dave).filter({ hasText: "Carol's text." }).waitFor();
    expect(await editorOf(dave).innerText()).not.toContain("UNSENT BY DAVE");
  });

  it("losing access (4403) deletes the offline copy, keeps unsent edits on screen as not saved, and stops reconnecting", async () => {
    await setDaveRole("editor");
    await editorOf(dave).and(dave.locator('[contenteditable="true"]')).waitFor();
    holdDave = true;
    await typeAtEnd(dave, " LOST ON REMOVAL");
    await dave.getByText("Unsaved changes").waitFor();
    const daveId = (await apiAs(dave, "GET", "/api/auth/me")).body.user.id;
    expect((await apiAs(carol, "DELETE", `/api/rooms/${roomId}/members/${daveId}`)).status).toBe(204);

    await dave.getByTestId("refused-edits").filter({ hasText: "You no longer have access to this room." }).waitFor();
    await dave.getByTestId("edits-not-saved").waitFor();
    await editorOf(dave).filter({ hasText: "LOST ON REMOVAL" }).waitFor();
    await dave.getByTestId("connection-state").filter({ hasText: "Disconnected" }).waitFor();
    await expect.poll(() => offlineCopies(dave), { timeout: WAIT_MS }).toEqual([]);
    await shot(dave, "dave-removed");
    holdDave = false;
  });

  it("signing out deletes the offline copies of the user's rooms", async () => {
    expect(await offlineCopies(carol)).toEqual([expect.stringMatching(new RegExp(`^roomful:[0-9a-f-]{36}:${roomId}$`))]);
    await carol.getByRole("button", { name: "Sign out" }).click();
    await carol.waitForURL(/#\/signin$/);
    await expect.poll(() => offlineCopies(carol), { timeout: WAIT_MS }).toEqual([]);
  });
});
