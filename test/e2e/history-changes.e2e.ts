// "Changes since your last visit" in the History panel, in a real browser: one person leaves a
// room, another edits it, and on coming back the first sees who added what, in their colour.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { colourFor } from "../../src/shared/colour.ts";
import { startDevStack, type DevStack } from "./dev-stack.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-results");
const WAIT_MS = 30_000;

let stack: DevStack;
let browser: Browser;
let erin: Page;
let finn: Page;
const run = Date.now().toString(36);
const people = {
  erin: { name: "Erin Example", email: `erin-${run}@example.com` },
  finn: { name: "Finn Example", email: `finn-${run}@example.com` },
};

const editorOf = (page: Page) => page.locator(".ProseMirror");
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

async function signUp(page: Page, who: { name: string; email: string }): Promise<void> {
  await page.goto(`${stack.webUrl}/#/signup`);
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByTestId("current-user").filter({ hasText: who.name }).waitFor();
}

/** A JSON API call made by the page itself, with its session cookie. */
async function apiAs(page: Page, method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const init = JSON.stringify({ method, credentials: "include", ...(body !== undefined && { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) });
  return (await page.evaluate(
    `fetch(${JSON.stringify(stack.apiUrl + route)}, ${init}).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null) }))`,
  )) as { status: number; body: any };
}

async function typeAtEnd(page: Page, text: string): Promise<void> {
  await editorOf(page).and(page.locator('[contenteditable="true"]')).waitFor();
  await editorOf(page).click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text);
  await page.getByText("Unsaved changes").waitFor({ state: "detached" });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startDevStack(path.join(ARTIFACTS, "dev-stack-history.log"));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  for (const [who, set] of [
    ["erin", (p: Page) => (erin = p)],
    ["finn", (p: Page) => (finn = p)],
  ] as const) {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on("pageerror", (error) => console.error(`[${who}] page error:`, error));
    set(page);
  }
});

afterEach(async ({ task }) => {
  if (task.result?.state === "fail") await Promise.all([erin && shot(erin, "FAILED-history-erin"), finn && shot(finn, "FAILED-history-finn")]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("changes since your last visit", () => {
  let roomId = "";

  it("a first visit says so; after leaving, another's edits show with their name and colour", async () => {
    await signUp(erin, people.erin);
    await signUp(finn, people.finn);
    const created = await apiAs(erin, "POST", "/api/rooms", { name: "Changes", visibility: "private" });
    expect(created.status).toBe(201);
    roomId = created.body.room.id;
    const invited = await apiAs(erin, "POST", `/api/rooms/${roomId}/members`, { email: people.finn.email, role: "editor" });
    expect(invited.status).toBe(202);
    expect((await apiAs(finn, "POST", `/api/invitations/${invited.body.invitation.id}/accept`)).status).toBe(200);
    const finnId = (await apiAs(finn, "GET", "/api/auth/me")).body.user.id as string;

    // Erin's first visit: she writes, a snapshot is taken (the room takes them after edits;
    // here at once), and she leaves.
    await erin.goto(`${stack.webUrl}/#/rooms/${roomId}`);
    await typeAtEnd(erin, "Erin wrote this.");
    await erin.getByRole("tab", { name: "History" }).click();
    await erin.getByText("Your first visit here").waitFor();
    expect((await apiAs(erin, "POST", `/api/rooms/${roomId}/snapshots`, { label: "Erin's version" })).status).toBe(201);
    await erin.goto(`${stack.webUrl}/#/`);

    // Finn edits while she is away.
    await finn.goto(`${stack.webUrl}/#/rooms/${roomId}`);
    await typeAtEnd(finn, " Finn added this.");

    await erin.goto(`${stack.webUrl}/#/rooms/${roomId}`);
    await editorOf(erin).filter({ hasText: "Finn added this." }).waitFor();
    await erin.getByRole("tab", { name: "History" }).click();
    const changes = erin.getByRole("region", { name: "Changes since your last visit" });
    const item = changes.getByTestId("change-item").filter({ hasText: people.finn.name });
    await item.waitFor();
    expect(await item.innerText()).toContain("added “ Finn added this.”");
    expect(await changes.getByTestId("change-item").filter({ hasText: people.erin.name }).count()).toBe(0);
    const dot = await item.locator("span").first().evaluate((el) => (globalThis as unknown as { getComputedStyle: (e: unknown) => { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    const hex = colourFor(finnId);
    const rgb = `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
    expect(dot).toBe(rgb);
    await shot(erin, "history-changes-since-visit");
  });
});
