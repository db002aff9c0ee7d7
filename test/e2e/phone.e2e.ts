// The phone layout at 390x844: the document takes the width and is typeable, panels open as a
// full-screen sheet with a way back, the header collapses, and fingers get 44 px targets.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DevStack } from "./dev-stack.ts";
import { editorOf, newPerson, PHONE, shot, signUp, startBrowserStack } from "./browser.ts";

let stack: DevStack;
let browser: Browser;
let page: Page;
const run = Date.now().toString(36);
const erin = { name: "Erin Example", email: `erin-${run}@example.com` };

/** Visible controls a finger would press that are shorter or narrower than 44 px, by name. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const controls = document.querySelectorAll('button, select, input:not([type="checkbox"]):not([type="file"]), [role="tab"], a');
    const small = [];
    for (const el of controls) {
      if (el.closest(".ProseMirror") || el.closest("p")) continue; // links inside text are exempt (WCAG 2.5.8)
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || el.closest("[hidden]")) continue;
      if (box.height < 44 || (el.tagName === "BUTTON" && box.width < 44)) small.push((el.getAttribute("aria-label") || el.textContent || el.tagName).trim() + " " + Math.round(box.width) + "x" + Math.round(box.height));
    }
    return small;
  })()`) as Promise<string[]>;
}

beforeAll(async () => {
  ({ stack, browser } = await startBrowserStack("dev-stack-phone.log"));
  page = await newPerson(browser, "erin", { viewport: PHONE, isMobile: true, hasTouch: true });
});

afterEach(async ({ task }) => {
  if (task.result?.state === "fail") await shot(page, `FAILED-phone-${task.name.replace(/\W+/g, "-")}`);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("on a phone (390x844)", () => {
  it("signs up and creates a room", async () => {
    await page.goto(`${stack.webUrl}/#/signin`);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await shot(page, "phone-signin");
    await signUp(page, stack.webUrl, erin);
    expect(await smallTargets(page)).toEqual([]);
    await shot(page, "phone-rooms");
    await page.getByLabel("Room name").fill("Pocket notes");
    await page.getByRole("button", { name: "Create room" }).click();
    await page.waitForURL(/#\/rooms\/[0-9a-f-]{36}$/);
  });

  it("shows the document across the whole width, typeable, with a collapsed header", async () => {
    const editor = editorOf(page).and(page.locator('[contenteditable="true"]'));
    await editor.waitFor();
    const box = (await editor.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(PHONE.width - 2);
    expect(box.height).toBeGreaterThan(PHONE.height / 3);
    // Nothing wider than the screen (no sideways scrolling).
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(PHONE.width);

    await editor.tap();
    await page.keyboard.type("Typed on a phone.");
    await editorOf(page).filter({ hasText: "Typed on a phone." }).waitFor();
    // The header keeps a people count and the connection dot; the words are for screen readers.
    await page.getByRole("img", { name: /^1 person in this room: Erin Example$/ }).waitFor();
    await page.getByTestId("connection-state").filter({ hasText: "Connected" }).waitFor();
    expect((await page.getByTestId("connection-state").boundingBox())!.width).toBeLessThanOrEqual(1); // sr-only
    expect(await page.getByRole("tablist", { name: "Room panels" }).isVisible()).toBe(false);
    expect(await smallTargets(page)).toEqual([]);
    await shot(page, "phone-room");
  });

  it("formats from the toolbar, whose less used buttons sit behind a More menu", async () => {
    const toolbar = page.getByRole("toolbar", { name: "Formatting" });
    await page.keyboard.press("Enter");
    await toolbar.getByRole("button", { name: "Bold", exact: true }).tap();
    await page.keyboard.type("Bold on a phone");
    await editorOf(page).locator("strong", { hasText: "Bold on a phone" }).waitFor();
    // The bar fits the screen: nothing hides off its edge.
    expect(await toolbar.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

    const more = toolbar.getByRole("button", { name: "More" });
    expect(await more.getAttribute("aria-haspopup")).toBe("menu");
    expect(await more.getAttribute("aria-expanded")).toBe("false");
    await more.tap();
    const menu = page.getByRole("menu", { name: "More formatting" });
    await menu.waitFor();
    expect(await more.getAttribute("aria-expanded")).toBe("true");
    // Every toolbar action is on the bar or in the menu, each a 44 px target.
    const onBar = await toolbar.getByRole("button").evaluateAll((els) => els.map((el) => el.textContent!.trim()));
    const inMenu = await menu.locator('[role="menuitem"], [role="menuitemcheckbox"]').evaluateAll((els) => els.map((el) => el.textContent!.trim()));
    const every = ["Bold", "Italic", "Strikethrough", "Inline code", "Heading 1", "Heading 2", "Heading 3", "Bullet list", "Numbered list", "Task list", "Quote", "Code block", "Horizontal rule", "Link", "Image", "Image description", "Attach file", "Undo", "Redo", "Keyboard shortcuts"];
    for (const name of every) expect([...onBar, ...inMenu].some((text) => text.endsWith(name)), name).toBe(true);
    expect(await smallTargets(page)).toEqual([]);
    await shot(page, "phone-toolbar-more");
    // A toggle in the menu says whether it is on, and works on the paragraph at the caret.
    const heading = menu.getByRole("menuitemcheckbox", { name: "Heading 2" });
    expect(await heading.getAttribute("aria-checked")).toBe("false");
    await heading.tap();
    await menu.waitFor({ state: "hidden" });
    await editorOf(page).locator("h2", { hasText: "Bold on a phone" }).waitFor();
    await more.tap();
    expect(await menu.getByRole("menuitemcheckbox", { name: "Heading 2" }).getAttribute("aria-checked")).toBe("true");
    await more.tap(); // closes it
    await menu.waitFor({ state: "hidden" });

    // By keyboard: ArrowDown opens it on the first item, End goes to the last, Enter runs it.
    await more.focus();
    await page.keyboard.press("ArrowDown");
    await menu.waitFor();
    const focused = () => page.evaluate("document.activeElement.textContent") as Promise<string>;
    await expect.poll(focused).toContain("Strikethrough");
    await page.keyboard.press("End");
    await expect.poll(focused).toContain("Keyboard shortcuts");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    await shot(page, "phone-shortcuts");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).getByRole("button", { name: "Close" }).tap();
    // Escape closes the menu back onto its button.
    await more.focus();
    await page.keyboard.press("ArrowDown");
    await menu.waitFor();
    await page.keyboard.press("Escape");
    await menu.waitFor({ state: "hidden" });
    expect(await page.evaluate("document.activeElement.getAttribute('aria-haspopup')")).toBe("menu");
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(PHONE.width);
  });

  it("opens each panel as a full-screen sheet with a way back", async () => {
    const bar = page.getByRole("navigation", { name: "Room panels" });
    for (const name of ["Chat", "Files", "History", "Members"]) {
      await bar.getByRole("button", { name }).tap();
      const sheet = page.getByRole("dialog", { name: `${name} panel` });
      await sheet.waitFor();
      const box = (await sheet.boundingBox())!;
      expect(box).toMatchObject({ x: 0, y: 0, width: PHONE.width, height: PHONE.height });
      expect(await page.getByRole("tab", { name, selected: true }).isVisible()).toBe(true);
      expect(await smallTargets(page)).toEqual([]);
      if (name === "Chat") {
        await sheet.getByLabel("Message", { exact: true }).fill("From my phone");
        await sheet.getByRole("button", { name: "Send" }).tap();
        await sheet.getByTestId("chat-message").filter({ hasText: "From my phone" }).waitFor();
        await shot(page, "phone-chat");
      }
      if (name === "Members") {
        await page.keyboard.press("Escape"); // Escape closes it too
      } else {
        await sheet.getByRole("button", { name: "Back to document" }).tap();
      }
      await sheet.waitFor({ state: "hidden" });
      await editorOf(page).filter({ hasText: "Typed on a phone." }).waitFor();
    }
  });
});
