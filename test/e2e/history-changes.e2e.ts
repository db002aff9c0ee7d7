// "Changes since your last visit" in the History panel, in a real browser: one person leaves a
// room, another edits it, and on coming back the first sees who added what, in their colour.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { colourFor } from "../../src/shared/colour.ts";
import type { DevStack } from "./dev-stack.ts";
import { apiAs, editorOf, newPerson, shot, signUp, startBrowserStack, typeAtEnd } from "./browser.ts";

let stack: DevStack;
let browser: Browser;
let erin: Page;
let finn: Page;
const run = Date.now().toString(36);
const people = {
  erin: { name: "Erin Example", email: `erin-${run}@example.com` },
  finn: { name: "Finn Example", email: `finn-${run}@example.com` },
};

/** Types at the end once the editor is editable, and waits until the edit is saved. */
async function typeAndSave(page: Page, text: string): Promise<void> {
  await editorOf(page).and(page.locator('[contenteditable="true"]')).waitFor();
  await typeAtEnd(page, text);
  await page.getByText("Unsaved changes").waitFor({ state: "detached" });
}

beforeAll(async () => {
  ({ stack, browser } = await startBrowserStack("dev-stack-history.log"));
  erin = await newPerson(browser, "erin");
  finn = await newPerson(browser, "finn");
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
    await signUp(erin, stack.webUrl, people.erin);
    await signUp(finn, stack.webUrl, people.finn);
    const created = await apiAs(erin, stack.apiUrl, "POST", "/api/rooms", { name: "Changes", visibility: "private" });
    expect(created.status).toBe(201);
    roomId = created.body.room.id;
    const invited = await apiAs(erin, stack.apiUrl, "POST", `/api/rooms/${roomId}/members`, { email: people.finn.email, role: "editor" });
    expect(invited.status).toBe(202);
    expect((await apiAs(finn, stack.apiUrl, "POST", `/api/invitations/${invited.body.invitation.id}/accept`)).status).toBe(200);
    const finnId = (await apiAs(finn, stack.apiUrl, "GET", "/api/auth/me")).body.user.id as string;

    // Erin's first visit: she writes, a snapshot is taken (the room takes them after edits;
    // here at once), and she leaves.
    await erin.goto(`${stack.webUrl}/#/rooms/${roomId}`);
    await typeAndSave(erin, "Erin wrote this.");
    await erin.getByRole("tab", { name: "History" }).click();
    await erin.getByText("Your first visit here").waitFor();
    expect((await apiAs(erin, stack.apiUrl, "POST", `/api/rooms/${roomId}/snapshots`, { label: "Erin's version" })).status).toBe(201);
    await erin.goto(`${stack.webUrl}/#/`);

    // Finn edits while she is away.
    await finn.goto(`${stack.webUrl}/#/rooms/${roomId}`);
    await typeAndSave(finn, " Finn added this.");

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
