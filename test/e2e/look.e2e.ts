// Every screen at desktop and phone size: a screenshot into test-results/, an axe-core scan with
// no serious or critical violations, and dark mode (the system's choice, and a remembered toggle).
import { createRequire } from "node:module";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevStack } from "./dev-stack.ts";
import { apiAs, DESKTOP, editorOf, newPerson, PHONE, shot, signUp, startBrowserStack, typeAtEnd } from "./browser.ts";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let stack: DevStack;
let browser: Browser;
let session: BrowserContextOptions["storageState"];
let roomId = "";
const run = Date.now().toString(36);
const ivy = { name: "Ivy Example", email: `ivy-${run}@example.com` };

type Violation = { id: string; impact: string; help: string; nodes: { target: string[] }[] };

/** axe-core's serious and critical violations on the page as it is now, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)")) as Violation[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")})`);
}

const sizes = { desktop: DESKTOP, phone: PHONE } as const;

async function pageAt(size: keyof typeof sizes, options: BrowserContextOptions = {}): Promise<Page> {
  return newPerson(browser, `ivy-${size}`, { viewport: sizes[size], isMobile: size === "phone", hasTouch: size === "phone", ...options });
}

beforeAll(async () => {
  ({ stack, browser } = await startBrowserStack("dev-stack-look.log"));
  const page = await pageAt("desktop");
  await signUp(page, stack.webUrl, ivy);
  roomId = (await apiAs(page, stack.apiUrl, "POST", "/api/rooms", { name: "Look and feel", visibility: "public" })).body.room.id;
  await page.goto(`${stack.webUrl}/#/rooms/${roomId}`);
  await typeAtEnd(page, "A paragraph to look at.");
  await page.getByText("Unsaved changes").waitFor({ state: "detached" });
  await apiAs(page, stack.apiUrl, "POST", `/api/rooms/${roomId}/messages`, { body: "A message to look at." });
  session = await page.context().storageState();
  await page.context().close();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe.each(Object.keys(sizes) as (keyof typeof sizes)[])("at %s size", (size) => {
  it("the sign-in page", async () => {
    const page = await pageAt(size);
    await page.goto(`${stack.webUrl}/#/signin`);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await shot(page, `${size}-signin`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it("the room list", async () => {
    const page = await pageAt(size, { storageState: session });
    await page.goto(`${stack.webUrl}/#/`);
    await page.getByRole("list", { name: "Rooms" }).getByText("Look and feel").waitFor();
    await shot(page, `${size}-rooms`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it("a room, and its chat", async () => {
    const page = await pageAt(size, { storageState: session });
    await page.goto(`${stack.webUrl}/#/rooms/${roomId}`);
    await editorOf(page).filter({ hasText: "A paragraph to look at." }).and(page.locator('[contenteditable="true"]')).waitFor();
    await page.getByTestId("connection-state").filter({ hasText: "Connected" }).waitFor();
    await shot(page, `${size}-room`);
    expect(await seriousViolations(page)).toEqual([]);
    if (size === "phone") {
      // The toolbar's More menu, open.
      await page.getByRole("toolbar", { name: "Formatting" }).getByRole("button", { name: "More" }).tap();
      const menu = page.getByRole("menu", { name: "More formatting" });
      await menu.waitFor();
      await shot(page, "phone-room-more");
      expect(await seriousViolations(page)).toEqual([]);
      await page.keyboard.press("Escape");
      await menu.waitFor({ state: "hidden" });
    }
    if (size === "phone") await page.getByRole("navigation", { name: "Room panels" }).getByRole("button", { name: "Chat" }).tap();
    await page.getByTestId("chat-message").filter({ hasText: "A message to look at." }).waitFor();
    // New messages are announced: the log is a live region.
    expect(await page.getByRole("log", { name: "Messages" }).count()).toBe(1);
    await shot(page, `${size}-chat`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it("shows where keyboard focus is on every control it reaches", async () => {
    const page = await pageAt(size, { storageState: session });
    await page.goto(`${stack.webUrl}/#/rooms/${roomId}`);
    await editorOf(page).and(page.locator('[contenteditable="true"]')).waitFor();
    const unmarked: string[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press("Tab");
      const focused = (await page.evaluate(`(() => {
        const el = document.activeElement;
        if (!el || el === document.body || el.isContentEditable) return null;
        const style = getComputedStyle(el);
        const marked = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
        return { name: (el.getAttribute("aria-label") || el.textContent || el.tagName).trim().slice(0, 40), marked };
      })()`)) as { name: string; marked: boolean } | null;
      if (!focused) continue;
      seen.add(focused.name);
      if (!focused.marked) unmarked.push(focused.name);
    }
    expect(seen.size).toBeGreaterThan(5);
    expect(unmarked).toEqual([]);
    await page.context().close();
  });

  it("dark mode follows the system, and the toggle is remembered", async () => {
    const page = await pageAt(size, { storageState: session, colorScheme: "dark" });
    await page.goto(`${stack.webUrl}/#/rooms/${roomId}`);
    await editorOf(page).filter({ hasText: "A paragraph to look at." }).waitFor();
    const dark = () => page.evaluate("document.documentElement.classList.contains('dark')");
    const background = () => page.evaluate("getComputedStyle(document.querySelector('.ProseMirror').parentElement.parentElement).backgroundColor");
    expect(await dark()).toBe(true);
    expect(await background()).not.toBe("rgb(255, 255, 255)");
    await shot(page, `${size}-room-dark`);
    expect(await seriousViolations(page)).toEqual([]);

    const toggle = page.getByRole("button", { name: "Dark theme" });
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    await toggle.click();
    expect(await dark()).toBe(false);
    expect(await background()).toBe("rgb(255, 255, 255)");
    await page.reload();
    await editorOf(page).waitFor();
    expect(await dark()).toBe(false); // remembered over the system's dark
    expect(await page.getByRole("button", { name: "Dark theme" }).getAttribute("aria-pressed")).toBe("false");
    await page.getByRole("button", { name: "Dark theme" }).click();
    expect(await dark()).toBe(true);
    await page.context().close();
  });
});
