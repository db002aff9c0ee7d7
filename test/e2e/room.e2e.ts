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

  it("Alice creates a private room and invites Bob", async () => {
    await alice.getByLabel("Room name").fill("Design review");
    await alice.getByLabel("Visibility").selectOption("private");
    await alice.getByRole("button", { name: "Create room" }).click();
    await alice.waitForURL(/#\/rooms\/[0-9a-f-]{36}$/);
    roomId = /rooms\/([0-9a-f-]{36})/.exec(alice.url())![1]!;

    await tab(alice, "Members");
    await alice.getByLabel("Email to invite").fill(people.bob.email);
    await alice.getByLabel("Role", { exact: true }).selectOption("editor");
    await alice.getByRole("button", { name: "Invite" }).click();
    await alice.getByTestId("member").filter({ hasText: people.bob.email }).waitFor();
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
