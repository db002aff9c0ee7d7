// Comments in a real Chromium: Ivy comments on a sentence, Jay sees its highlight and replies,
// Ivy resolves it and the highlight goes for both; Kim, a commenter, cannot type in the document.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DevStack } from "./dev-stack.ts";
import { apiAs, editorOf, newPerson, PHONE, shot, signUp, startBrowserStack, WAIT_MS } from "./browser.ts";

let stack: DevStack;
let browser: Browser;
let ivy: Page;
let jay: Page;
let kim: Page;
let roomId = "";
const run = Date.now().toString(36);
const people = {
  ivy: { name: "Ivy Example", email: `ivy-${run}@example.com` },
  jay: { name: "Jay Example", email: `jay-${run}@example.com` },
  kim: { name: "Kim Example", email: `kim-${run}@example.com` },
  lou: { name: "Lou Example", email: `lou-${run}@example.com` },
};
const paragraph = (text: string) => ({ type: "paragraph", content: [{ type: "text", text }] });

async function join(page: Page, who: keyof typeof people, role: string) {
  const invited = await apiAs(ivy, stack.apiUrl, "POST", `/api/rooms/${roomId}/members`, { email: people[who].email, role });
  expect((await apiAs(page, stack.apiUrl, "POST", `/api/invitations/${invited.body.invitation.id}/accept`)).status).toBe(200);
}

const highlight = (page: Page) => editorOf(page).locator(".comment-highlight");
const thread = (page: Page) => page.getByRole("article", { name: /Comment thread on/ });

beforeAll(async () => {
  ({ stack, browser } = await startBrowserStack("dev-stack-comments.log"));
  ivy = await newPerson(browser, "ivy");
  jay = await newPerson(browser, "jay");
  kim = await newPerson(browser, "kim");
  for (const [page, who] of [[ivy, people.ivy], [jay, people.jay], [kim, people.kim]] as const) await signUp(page, stack.webUrl, who);
  roomId = (await apiAs(ivy, stack.apiUrl, "POST", "/api/rooms", { name: "Review room", visibility: "private" })).body.room.id;
  const put = await apiAs(ivy, stack.apiUrl, "PUT", `/api/rooms/${roomId}/document`, { type: "doc", content: [paragraph("This sentence is wrong."), paragraph("This one is fine.")] });
  expect(put.status).toBe(204);
  await join(jay, "jay", "editor");
  await join(kim, "kim", "commenter");
  for (const page of [ivy, jay, kim]) {
    await page.goto(`${stack.webUrl}/#/rooms/${roomId}`);
    await editorOf(page).getByText("This one is fine.").waitFor();
  }
});

afterEach(async ({ task }) => {
  if (task.result?.state !== "fail") return;
  const name = task.name.replace(/\W+/g, "-");
  await Promise.all([shot(ivy, `FAILED-comments-${name}-ivy`), shot(jay, `FAILED-comments-${name}-jay`), shot(kim, `FAILED-comments-${name}-kim`)]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("comments", () => {
  it("one person comments on a sentence, the other sees the highlight and replies, the first resolves it", async () => {
    // Ivy selects the first sentence and comments with the shortcut.
    await editorOf(ivy).getByText("This sentence is wrong.").click();
    await ivy.keyboard.press("Home");
    await ivy.keyboard.press("Shift+End");
    await ivy.keyboard.press("Control+Alt+M");
    const form = ivy.getByRole("form", { name: "New comment" });
    await form.getByRole("textbox", { name: "Your comment" }).fill("Is this right? Source?");
    await form.getByRole("button", { name: "Comment" }).click();
    await thread(ivy).filter({ hasText: "Is this right? Source?" }).waitFor();

    // Jay sees the sentence highlighted, live, and opens the thread from it.
    await highlight(jay).filter({ hasText: "This sentence is wrong." }).waitFor({ timeout: WAIT_MS });
    await highlight(jay).first().click();
    const jaysThread = thread(jay).filter({ hasText: "Is this right? Source?" });
    await jaysThread.waitFor();
    expect(await jaysThread.getAttribute("data-active")).toBe("true");
    await jaysThread.getByRole("textbox", { name: "Reply" }).fill("It is right, see page 3.");
    await jaysThread.getByRole("button", { name: "Reply" }).click();

    // Ivy sees the reply and resolves the thread: the highlight goes for both.
    const ivysThread = thread(ivy).filter({ hasText: "It is right, see page 3." });
    await ivysThread.waitFor({ timeout: WAIT_MS });
    await shot(ivy, "comments-desktop");
    await ivysThread.getByRole("button", { name: "Resolve" }).click();
    await highlight(jay).first().waitFor({ state: "detached", timeout: WAIT_MS });
    await highlight(ivy).first().waitFor({ state: "detached", timeout: WAIT_MS });
    const listed = await apiAs(ivy, stack.apiUrl, "GET", `/api/rooms/${roomId}/comments?status=resolved`);
    expect(listed.body.threads.map((t: { anchor: { quote: string }; comments: unknown[] }) => [t.anchor.quote, t.comments.length])).toEqual([["This sentence is wrong.", 2]]);
  });

  it("a commenter cannot type in the document, but can comment on it", async () => {
    expect(await editorOf(kim).getAttribute("contenteditable")).toBe("false");
    await editorOf(kim).getByText("This one is fine.").click();
    await kim.keyboard.type("zzz");
    expect(await editorOf(kim).textContent()).not.toContain("zzz");
    // No caret in a read-only document: select the sentence with the mouse.
    await editorOf(kim).getByText("This one is fine.").click({ clickCount: 3 });
    await kim.keyboard.press("Control+Alt+M");
    const form = kim.getByRole("form", { name: "New comment" });
    await form.getByRole("textbox", { name: "Your comment" }).fill("Fine indeed.");
    await form.getByRole("button", { name: "Comment" }).click();
    await highlight(ivy).filter({ hasText: "fine" }).waitFor({ timeout: WAIT_MS });
    const doc = await apiAs(ivy, stack.apiUrl, "GET", `/api/rooms/${roomId}/document?format=json`);
    expect(JSON.stringify(doc.body)).not.toContain("zzz");
  });

  it("on a phone, a tap on highlighted text opens its thread in the Comments sheet, and Back returns to the text", async () => {
    const lou = await newPerson(browser, "lou", { viewport: PHONE, isMobile: true, hasTouch: true });
    await signUp(lou, stack.webUrl, people.lou);
    await join(lou, "lou", "editor");
    await lou.goto(`${stack.webUrl}/#/rooms/${roomId}`);
    await highlight(lou).filter({ hasText: "fine" }).first().tap();
    const sheet = lou.getByRole("dialog", { name: "Comments panel" });
    const kimsThread = sheet.getByRole("article", { name: /Comment thread on/ }).filter({ hasText: "Fine indeed." });
    await kimsThread.waitFor();
    expect(await kimsThread.getAttribute("data-active")).toBe("true");
    await kimsThread.getByRole("textbox", { name: "Reply" }).fill("Agreed, from my phone.");
    await kimsThread.getByRole("button", { name: "Reply" }).tap();
    await thread(kim).filter({ hasText: "Agreed, from my phone." }).first().waitFor({ state: "attached", timeout: WAIT_MS });
    await shot(lou, "comments-phone");
    await sheet.getByRole("button", { name: "← Back to document" }).tap();
    await editorOf(lou).getByText("This one is fine.").waitFor();
    await lou.context().close();
  });
});
