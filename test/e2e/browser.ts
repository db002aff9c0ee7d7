// What every e2e file needs: the dev stack, Chromium, and the few page steps they share.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";
import { startDevStack, type DevStack } from "./dev-stack.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-results");
export const WAIT_MS = 30_000;
export const DESKTOP = { width: 1400, height: 900 };
export const PHONE = { width: 390, height: 844 };

export type Who = { name: string; email: string };

/** The dev stack (its log in test-results/<logName>) and a headless Chromium. */
export async function startBrowserStack(logName: string): Promise<{ stack: DevStack; browser: Browser }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const stack = await startDevStack(path.join(ARTIFACTS, logName));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return { stack, browser };
}

/** A page in a context of its own (its own cookies), page errors reported under `who`. */
export async function newPerson(browser: Browser, who: string, options: BrowserContextOptions = { viewport: DESKTOP }): Promise<Page> {
  const page = await (await browser.newContext(options)).newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on("pageerror", (error) => console.error(`[${who}] page error:`, error));
  return page;
}

export const editorOf = (page: Page) => page.locator(".ProseMirror");
export const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

export async function signUp(page: Page, webUrl: string, who: Who): Promise<void> {
  await page.goto(`${webUrl}/#/signup`);
  await page.getByLabel("Name").fill(who.name);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByTestId("current-user").filter({ hasText: who.name }).waitFor();
}

/** Types at the end of the document. */
export async function typeAtEnd(page: Page, text: string): Promise<void> {
  await editorOf(page).click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text);
}

/** A JSON API call made by the page itself, with its session cookie. */
export async function apiAs(page: Page, apiUrl: string, method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const init = JSON.stringify({ method, credentials: "include", ...(body !== undefined && { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) });
  return (await page.evaluate(
    `fetch(${JSON.stringify(apiUrl + route)}, ${init}).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null) }))`,
  )) as { status: number; body: any };
}
