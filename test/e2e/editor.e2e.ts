// The editor's toolbar, links, undo of your own edits only, the placeholder and the shortcuts
// dialog, with two people in one room (desktop size).
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DevStack } from "./dev-stack.ts";
import { apiAs, editorOf, newPerson, shot, signUp, startBrowserStack } from "./browser.ts";

let stack: DevStack;
let browser: Browser;
let gina: Page;
let hal: Page;
let roomId = "";
const run = Date.now().toString(36);
const ginaWho = { name: "Gina Example", email: `gina-${run}@example.com` };
const halWho = { name: "Hal Example", email: `hal-${run}@example.com` };

const toolbar = (page: Page) => page.getByRole("toolbar", { name: "Formatting" });
const button = (page: Page, name: string) => toolbar(page).getByRole("button", { name, exact: true });

/** Starts a new, empty paragraph at the end of Gina's document. */
async function newLine(page: Page): Promise<void> {
  await editorOf(page).click();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  // Enter in an empty list item or quote leaves it: end up in a plain paragraph at the top level.
  for (let i = 0; i < 3 && (await page.evaluate("!!window.getSelection()?.anchorNode?.parentElement?.closest('li, blockquote, pre')")); i++) {
    await page.keyboard.press("Enter");
  }
}

/** The paragraph holding this text (not a task item's checkbox label, which repeats it). */
const textIn = (page: Page, text: string) => editorOf(page).locator("p", { hasText: text });

beforeAll(async () => {
  ({ stack, browser } = await startBrowserStack("dev-stack-editor.log"));
  gina = await newPerson(browser, "gina");
  hal = await newPerson(browser, "hal");
  await signUp(gina, stack.webUrl, ginaWho);
  await signUp(hal, stack.webUrl, halWho);
  const created = await apiAs(gina, stack.apiUrl, "POST", "/api/rooms", { name: "Toolbar room", visibility: "private" });
  roomId = created.body.room.id;
  const invited = await apiAs(gina, stack.apiUrl, "POST", `/api/rooms/${roomId}/members`, { email: halWho.email, role: "editor" });
  expect((await apiAs(hal, stack.apiUrl, "POST", `/api/invitations/${invited.body.invitation.id}/accept`)).status).toBe(200);
  await gina.goto(`${stack.webUrl}/#/rooms/${roomId}`);
  await hal.goto(`${stack.webUrl}/#/rooms/${roomId}`);
  await editorOf(gina).and(gina.locator('[contenteditable="true"]')).waitFor();
  await editorOf(hal).and(hal.locator('[contenteditable="true"]')).waitFor();
});

/** On a failure, each person's undo history: its size, and whether it still follows the document. */
const undoHistory = `(() => {
  const editor = document.querySelector(".ProseMirror")?.editor;
  const undo = editor?.state.plugins.map((p) => (String(p.spec.key?.key).startsWith("y-undo") ? p.getState(editor.state) : null)).find(Boolean)?.undoManager;
  if (!undo) return "no undo manager";
  const following = undo.doc._observers.get("afterTransaction")?.has(undo.afterTransactionHandler) ?? false;
  return JSON.stringify({ undo: undo.undoStack.length, redo: undo.redoStack.length, following, editorDestroyed: editor.isDestroyed });
})()`;

afterEach(async ({ task }) => {
  if (task.result?.state !== "fail") return;
  const name = task.name.replace(/\W+/g, "-");
  await Promise.all([shot(gina, `FAILED-editor-${name}-gina`), shot(hal, `FAILED-editor-${name}-hal`)]);
  console.error(`[${task.name}] undo history: Gina ${await gina.evaluate(undoHistory)}, Hal ${await hal.evaluate(undoHistory)}`);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("the editor", () => {
  it("shows a placeholder in the empty document", async () => {
    const empty = editorOf(gina).locator("p.is-editor-empty").first();
    await empty.waitFor();
    expect(await empty.getAttribute("data-placeholder")).toMatch(/^Start writing/);
    // (No DOM types in the test's own code: the function runs in the page.)
    const before = await empty.evaluate((p) => (globalThis as unknown as { getComputedStyle: (e: unknown, pseudo: string) => { content: string } }).getComputedStyle(p, "::before").content);
    expect(before).toContain("Start writing");
  });

  it("applies each mark from the toolbar, with aria-pressed following the caret", async () => {
    for (const [name, tag] of [
      ["Bold", "strong"],
      ["Italic", "em"],
      ["Strikethrough", "s"],
      ["Inline code", "code"],
    ] as const) {
      await newLine(gina);
      expect(await button(gina, name).getAttribute("aria-pressed")).toBe("false");
      await button(gina, name).click();
      expect(await button(gina, name).getAttribute("aria-pressed")).toBe("true");
      await gina.keyboard.type(`${name} words`);
      await editorOf(hal).locator(tag, { hasText: `${name} words` }).waitFor();
      await button(gina, name).click();
      expect(await button(gina, name).getAttribute("aria-pressed")).toBe("false");
    }
  });

  it("makes headings, lists, a task list, a quote, a code block and a rule", async () => {
    for (const [name, selector] of [
      ["Heading 1", "h1"],
      ["Heading 2", "h2"],
      ["Heading 3", "h3"],
      ["Bullet list", "ul:not([data-type]) li"],
      ["Numbered list", "ol li"],
      ["Task list", 'ul[data-type="taskList"] > li'],
      ["Quote", "blockquote"],
      ["Code block", "pre code"],
    ] as const) {
      // Typed as a plain paragraph, turned into the block, seen by Hal, then turned back.
      await newLine(gina);
      await gina.keyboard.type(`${name} text`);
      await button(gina, name).click();
      expect(await button(gina, name).getAttribute("aria-pressed")).toBe("true");
      await editorOf(hal).locator(selector, { hasText: `${name} text` }).waitFor();
      await button(gina, name).click();
      expect(await button(gina, name).getAttribute("aria-pressed")).toBe("false");
      await editorOf(hal).locator(selector, { hasText: `${name} text` }).waitFor({ state: "detached" });
    }
    // Left in place, for the other person to tick.
    await newLine(gina);
    await gina.keyboard.type("a task to tick");
    await button(gina, "Task list").click();
    const rules = await editorOf(hal).locator("hr").count();
    await button(gina, "Horizontal rule").click();
    await expect.poll(() => editorOf(hal).locator("hr").count()).toBe(rules + 1);

    // Ticking a task is seen by the other person.
    await editorOf(hal).locator('ul[data-type="taskList"] > li input[type="checkbox"]').click();
    await editorOf(gina).locator('ul[data-type="taskList"] > li[data-checked="true"]').waitFor();
    await shot(gina, "desktop-editor-toolbar");
  });

  it("adds, edits and removes a link, and refuses an unsafe one", async () => {
    await newLine(gina);
    await gina.keyboard.type("see the docs");
    await gina.keyboard.press("Shift+Home");
    await button(gina, "Link").click();
    const dialog = gina.getByRole("dialog", { name: "Add link" });
    await dialog.getByLabel("Link address").fill("javascript:alert(1)");
    await dialog.getByRole("button", { name: "Add link" }).click();
    await dialog.getByRole("alert").filter({ hasText: "http, https, mailto" }).waitFor();
    await dialog.getByLabel("Link address").fill("https://example.com/docs");
    await dialog.getByRole("button", { name: "Add link" }).click();
    await editorOf(hal).locator('a[href="https://example.com/docs"]', { hasText: "see the docs" }).waitFor();

    // The caret inside the link: the dialog edits it (Ctrl+K opens it too).
    await editorOf(gina).locator("a", { hasText: "see the docs" }).click();
    expect(await button(gina, "Link").getAttribute("aria-pressed")).toBe("true");
    await gina.keyboard.press("Control+k");
    const edit = gina.getByRole("dialog", { name: "Edit link" });
    expect(await edit.getByLabel("Link address").inputValue()).toBe("https://example.com/docs");
    await edit.getByLabel("Link address").fill("https://example.com/guide");
    await edit.getByRole("button", { name: "Save link" }).click();
    await editorOf(hal).locator('a[href="https://example.com/guide"]', { hasText: "see the docs" }).waitFor();

    await editorOf(gina).locator("a", { hasText: "see the docs" }).click();
    await button(gina, "Link").click();
    await gina.getByRole("dialog", { name: "Edit link" }).getByRole("button", { name: "Remove link" }).click();
    await editorOf(hal).locator("a", { hasText: "see the docs" }).waitFor({ state: "detached" });
    await textIn(hal, "see the docs").waitFor();
  });

  it("undoes only your own edit, never someone else's", async () => {
    await newLine(gina);
    await gina.keyboard.type("GINA-UNDO-ME");
    await textIn(hal, "GINA-UNDO-ME").waitFor();
    await newLine(hal);
    await hal.keyboard.type("HAL-KEEPS-THIS");
    await textIn(gina, "HAL-KEEPS-THIS").waitFor();

    // Undo until Gina's text is gone: Hal's, typed after it, must stay on both screens.
    await textIn(gina, "GINA-UNDO-ME").click();
    for (let i = 0; i < 5 && (await textIn(gina, "GINA-UNDO-ME").count()) > 0; i++) await button(gina, "Undo").click();
    await textIn(hal, "GINA-UNDO-ME").waitFor({ state: "detached" });
    expect(await editorOf(gina).innerText()).toContain("HAL-KEEPS-THIS");
    expect(await editorOf(hal).innerText()).toContain("HAL-KEEPS-THIS");

    await button(gina, "Redo").click();
    await textIn(hal, "GINA-UNDO-ME").waitFor();
  });

  it("puts picked and pasted images and a dropped file into the document, seen by the other person and exported", async () => {
    // A 1x1 PNG.
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
    await newLine(gina);
    const [chooser] = await Promise.all([gina.waitForEvent("filechooser"), button(gina, "Image").click()]);
    await chooser.setFiles({ name: "dot.png", mimeType: "image/png", buffer: png });
    const picked = editorOf(hal).locator('img[alt="dot"]');
    await picked.waitFor();
    expect(await picked.getAttribute("src")).toMatch(/\/api\/files\/[0-9a-f-]{36}$/);
    expect(await picked.getAttribute("width")).toBe("1");
    // Hal's browser loads the bytes with his own access to the room's files.
    await expect.poll(() => picked.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);

    await editorOf(gina).click();
    await gina.keyboard.press("Control+End");
    await gina.evaluate(`(() => {
      const bytes = Uint8Array.from(atob(${JSON.stringify(png.toString("base64"))}), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], "pasted.png", { type: "image/png" }));
      document.querySelector(".ProseMirror").dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    })()`);
    await editorOf(hal).locator('img[alt="pasted"]').waitFor();

    // Its description (alt text) is edited from the toolbar with the image selected.
    expect(await button(gina, "Image description").isDisabled()).toBe(true);
    await editorOf(gina).locator('img[alt="pasted"]').click();
    await button(gina, "Image description").click();
    const describe = gina.getByRole("dialog", { name: "Image description" });
    await describe.getByLabel(/Alt text/).fill("a single red dot");
    await describe.getByRole("button", { name: "Save description" }).click();
    await editorOf(hal).locator('img[alt="a single red dot"]').waitFor();

    // Any other file, dropped or attached, uploads too and goes in as a file card: name, size, download link.
    // While it uploads, Gina's document shows where it will land (the upload is held until then).
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const upload = /\/api\/upload$/;
    await gina.route(upload, async (route) => {
      await held;
      await route.continue();
    });
    await gina.evaluate(`(() => {
      const editor = document.querySelector(".ProseMirror");
      const box = editor.lastElementChild.getBoundingClientRect();
      const data = new DataTransfer();
      data.items.add(new File(["minutes of the meeting"], "minutes.txt", { type: "text/plain" }));
      editor.dispatchEvent(new DragEvent("drop", { dataTransfer: data, clientX: box.left + 5, clientY: box.top + box.height / 2, bubbles: true, cancelable: true }));
    })()`);
    const placeholder = editorOf(gina).getByTestId("upload-placeholder").filter({ hasText: "Uploading minutes.txt" });
    await placeholder.waitFor();
    release();
    const fileCard = editorOf(hal).getByTestId("file-card").filter({ hasText: "minutes.txt" });
    await fileCard.waitFor();
    await placeholder.waitFor({ state: "detached" });
    await gina.unroute(upload);
    expect(await fileCard.textContent()).toContain("22 B");
    expect(await fileCard.getAttribute("href")).toMatch(/\/api\/files\/[0-9a-f-]{36}$/);
    await editorOf(gina).click();
    await gina.keyboard.press("Control+End");
    const [attach] = await Promise.all([gina.waitForEvent("filechooser"), button(gina, "Attach file").click()]);
    await attach.setFiles({ name: "budget.csv", mimeType: "text/csv", buffer: Buffer.from("a,b\n1,2\n") });
    const attached = editorOf(hal).getByTestId("file-card").filter({ hasText: "budget.csv" });
    await attached.waitFor();
    // Hal downloads it with his own access to the room's files.
    const download = (await hal.evaluate(`fetch(${JSON.stringify(await attached.getAttribute("href"))}, { credentials: "include" }).then((r) => r.text())`)) as string;
    expect(download).toBe("a,b\n1,2\n");

    const markdown = (await gina.evaluate(
      `fetch(${JSON.stringify(`${stack.apiUrl}/api/rooms/${roomId}/document?format=markdown`)}, { credentials: "include" }).then((r) => r.text())`,
    )) as string;
    expect(markdown).toMatch(/!\[dot\]\(http:\/\/[^)]+\/api\/files\/[0-9a-f-]{36}\)/);
    expect(markdown).toMatch(/!\[a single red dot\]\(/);
    expect(markdown).toMatch(/\[minutes\.txt\]\(http:\/\/[^)]+\/api\/files\/[0-9a-f-]{36}\)/);
    const html = (await gina.evaluate(
      `fetch(${JSON.stringify(`${stack.apiUrl}/api/rooms/${roomId}/document?format=html`)}, { credentials: "include" }).then((r) => r.text())`,
    )) as string;
    expect(html).toMatch(/<a [^>]*data-file-card=""[^>]*data-name="budget\.csv"/);
    // Both uploads are room files: Hal's Files panel lists them.
    await hal.getByRole("tab", { name: "Files" }).click();
    await hal.getByTestId("file-name").filter({ hasText: "pasted.png" }).waitFor();
    await hal.getByTestId("file-name").filter({ hasText: "dot.png" }).waitFor();
    await hal.getByRole("tab", { name: "Chat" }).click();
    await shot(hal, "desktop-editor-images");

    // Gina deletes the picked image and the dropped file: on the next load each is a clear
    // "removed" box, not a broken image or a dead link.
    const fileId = /\/api\/files\/([0-9a-f-]{36})$/.exec((await picked.getAttribute("src"))!)![1]!;
    expect((await apiAs(gina, stack.apiUrl, "DELETE", `/api/files/${fileId}`)).status).toBe(204);
    const minutesId = /\/api\/files\/([0-9a-f-]{36})$/.exec((await fileCard.getAttribute("href"))!)![1]!;
    expect((await apiAs(gina, stack.apiUrl, "DELETE", `/api/files/${minutesId}`)).status).toBe(204);
    await hal.reload();
    await editorOf(hal).getByRole("img", { name: "Image removed: dot" }).waitFor();
    await editorOf(hal).getByTestId("file-removed").filter({ hasText: "File removed (minutes.txt)" }).waitFor();
    await editorOf(hal).getByTestId("file-card").filter({ hasText: "budget.csv" }).waitFor();
    expect(await editorOf(hal).locator('img[alt="a single red dot"]').count()).toBe(1);
  });

  it("lists the shortcuts in a dialog opened with ?", async () => {
    await gina.getByRole("tab", { name: "Chat" }).focus();
    await gina.keyboard.press("?");
    const help = gina.getByRole("dialog", { name: "Keyboard shortcuts" });
    await help.waitFor();
    await help.getByRole("row", { name: /Bold/ }).filter({ hasText: "Ctrl+B" }).waitFor();
    await help.getByRole("row", { name: /Undo/ }).filter({ hasText: "Ctrl+Z" }).waitFor();
    await shot(gina, "desktop-shortcuts");
    await gina.keyboard.press("Escape");
    await help.waitFor({ state: "hidden" });
    // Typed in the document, "?" is just a character.
    await newLine(gina);
    await gina.keyboard.type("really?");
    await textIn(gina, "really?").waitFor();
    expect(await help.isVisible()).toBe(false);
  });

  it("moves between toolbar buttons with the arrow keys, one Tab stop", async () => {
    await button(gina, "Bold").focus();
    await gina.keyboard.press("ArrowRight");
    expect(await gina.evaluate("document.activeElement?.querySelector('.sr-only')?.textContent")).toBe("Italic");
    await gina.keyboard.press("End");
    expect(await gina.evaluate("document.activeElement?.querySelector('.sr-only')?.textContent")).toBe("Keyboard shortcuts");
    expect(await toolbar(gina).locator('button[tabindex="0"]').count()).toBe(1);
  });
});
