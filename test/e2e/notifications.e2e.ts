// Notifications in a real Chromium: Bob is away (on the room list) while Alice, in the room,
// mentions him in chat and in the document. Bob's bell shows 2 and his room list an unread
// badge; after the delay the outbox holds one digest for him and nothing for Alice; his inbox
// links land on the message and on the document block, and opening the chat clears the badge.
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DevStack } from "./dev-stack.ts";
import { apiAs, DESKTOP, editorOf, newPerson, PHONE, shot, signUp, startBrowserStack, WAIT_MS } from "./browser.ts";

// The digest waits NOTIFY_DELAY_SECONDS (60 by default). The dev stack reads its vars from the
// environment it is started with (alchemy.run.ts → deploymentVars), and each e2e file runs in a
// process of its own: this shortens it for this file's stack only. Long enough that both of
// Alice's mentions fall into one batching window.
const DELAY_SECONDS = 8;
process.env.NOTIFY_DELAY_SECONDS = String(DELAY_SECONDS);

let stack: DevStack;
let browser: Browser;
let alice: Page;
let bob: Page;
let roomId = "";
let bobId = "";
const run = Date.now().toString(36);
const ROOM = `Plans ${run}`;
const people = {
  alice: { name: "Alice Example", email: `alice-${run}@example.com` },
  bob: { name: "Bob Example", email: `bob-${run}@example.com` },
};
const paragraph = (text: string) => ({ type: "paragraph", content: [{ type: "text", text }] });

type Mail = { to: string; subject: string; text: string; headers: Record<string, string> | null };

async function admin(route: string): Promise<any> {
  const res = await fetch(`${stack.apiUrl}${route}`, { headers: { authorization: "Bearer dev-admin-token" } });
  expect(res.status).toBe(200);
  return res.json();
}

/** Digest emails (they carry List-Unsubscribe; the welcome email does not) sent to `email`. */
async function digestsTo(email: string): Promise<Mail[]> {
  const { mail } = (await admin("/api/outbox?limit=100")) as { mail: Mail[] };
  return mail.filter((m) => m.to === email && m.headers?.["List-Unsubscribe"]);
}

/** Polls `check` until it returns something truthy (the queue's delayed jobs have no event to wait on). */
async function eventually<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = WAIT_MS * 2): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500)); // polling interval, not a sync point
  }
}

const bell = (page: Page, unread: number) => page.getByRole("button", { name: `Notifications, ${unread} unread` });
const roomCard = (page: Page) => page.getByTestId("room-item").filter({ hasText: ROOM });

beforeAll(async () => {
  ({ stack, browser } = await startBrowserStack("dev-stack-notifications.log"));
  alice = await newPerson(browser, "alice");
  bob = await newPerson(browser, "bob");
  await signUp(alice, stack.webUrl, people.alice);
  await signUp(bob, stack.webUrl, people.bob);
  bobId = (await apiAs(bob, stack.apiUrl, "GET", "/api/auth/me")).body.user.id;
  // Bob's room, Alice invited as an editor: the invitation notifies Alice, not Bob, so Bob's
  // inbox and email hold only what this file's tests do. Alice reads it at once (no email).
  roomId = (await apiAs(bob, stack.apiUrl, "POST", "/api/rooms", { name: ROOM, visibility: "private" })).body.room.id;
  expect((await apiAs(bob, stack.apiUrl, "PUT", `/api/rooms/${roomId}/document`, { type: "doc", content: [paragraph("Plans for the quarter.")] })).status).toBe(204);
  const invited = await apiAs(bob, stack.apiUrl, "POST", `/api/rooms/${roomId}/members`, { email: people.alice.email, role: "editor" });
  expect((await apiAs(alice, stack.apiUrl, "POST", `/api/invitations/${invited.body.invitation.id}/accept`)).status).toBe(200);
  await eventually("the invitation in Alice's inbox", async () => (await apiAs(alice, stack.apiUrl, "GET", "/api/inbox")).body.notifications.length > 0);
  expect((await apiAs(alice, stack.apiUrl, "POST", "/api/inbox/read", { all: true })).body.unreadCount).toBe(0);
  // Bob's list loaded before his room was made over the API: load it again.
  await bob.reload();
  await roomCard(bob).waitFor();
  await alice.goto(`${stack.webUrl}/#/rooms/${roomId}`);
  await editorOf(alice).getByText("Plans for the quarter.").waitFor();
});

afterEach(async ({ task }) => {
  if (task.result?.state !== "fail") return;
  const name = task.name.replace(/\W+/g, "-").slice(0, 60);
  await Promise.all([shot(alice, `FAILED-notifications-${name}-alice`), shot(bob, `FAILED-notifications-${name}-bob`)]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("notifications", () => {
  it("Alice mentions Bob in chat and in the document; Bob's bell and room list show it live, and one digest reaches him", async () => {
    await bell(bob, 0).waitFor();

    // Chat: @Bo opens the people list, Enter picks Bob, Enter again sends.
    const input = alice.getByLabel("Message", { exact: true });
    await input.click();
    await input.pressSequentially("Hey @Bo");
    const options = alice.getByRole("listbox", { name: "People to mention" });
    await options.getByRole("option", { name: people.bob.name }).waitFor();
    await input.press("Enter");
    await expect.poll(() => input.inputValue()).toBe(`Hey @${people.bob.name} `);
    await input.pressSequentially("can you check the numbers?");
    await input.press("Enter");
    const sent = alice.getByTestId("chat-message").filter({ hasText: "can you check the numbers?" });
    await sent.waitFor();
    // Shown as a highlighted name, sent as a token.
    expect(await sent.locator(`[data-mention-id="${bobId}"]`).textContent()).toBe(`@${people.bob.name}`);

    // Document: a new paragraph, @Bo, pick Bob from the list.
    await editorOf(alice).click();
    await alice.keyboard.press("Control+End");
    await alice.keyboard.press("Enter");
    await alice.keyboard.type("Owner: @Bo");
    await alice.locator(".mention-menu [role=option]", { hasText: people.bob.name }).click();
    await alice.keyboard.type("about the budget");
    await editorOf(alice).locator(".mention", { hasText: `@${people.bob.name}` }).waitFor();

    // Bob, away on the room list: the bell counts both, the room has an unread message.
    await bell(bob, 2).waitFor();
    await roomCard(bob).getByTestId("room-unread").filter({ hasText: "1" }).waitFor();

    // After the delay: exactly one digest, to Bob, naming both mentions; nothing to Alice.
    const [digest] = await eventually("Bob's digest", async () => {
      const found = await digestsTo(people.bob.email);
      return found.length > 0 && found;
    });
    expect(digest!.subject).toBe("2 new notifications on Roomful");
    expect(digest!.text).toContain("can you check the numbers?");
    // The document's excerpt is its block as the mention went in.
    expect(digest!.text).toContain(`Owner: @${people.bob.name}`);
    expect(await digestsTo(people.bob.email)).toHaveLength(1);
    expect(await digestsTo(people.alice.email)).toHaveLength(0);
    await bell(alice, 0).waitFor();
  });

  it("Bob's inbox lands on the chat message and on the document block; opening the chat clears the room's badge", async () => {
    // A second tab of Bob's stays on the room list: its badge follows what the first one reads.
    const listTab = await bob.context().newPage();
    await listTab.goto(`${stack.webUrl}/#/`);
    await roomCard(listTab).getByTestId("room-unread").filter({ hasText: "1" }).waitFor();

    await bell(bob, 2).click();
    const inbox = bob.getByRole("dialog", { name: "Notifications" });
    const mentions = inbox.getByTestId("notification").filter({ hasText: `${people.alice.name} mentioned you in ${ROOM}` });
    await expect.poll(() => mentions.count()).toBe(2);
    await shot(bob, "desktop-inbox");
    expect(await mentions.and(bob.locator("[data-unread]")).count()).toBe(2);

    // The chat mention: the room opens its chat at the message, marked.
    await mentions.filter({ hasText: "can you check the numbers?" }).getByRole("button").click();
    await bob.locator('[data-testid="chat-message"][data-landing]').filter({ hasText: "can you check the numbers?" }).waitFor();
    expect(bob.url()).toContain(`/rooms/${roomId}?message=`);
    await bell(bob, 1).waitFor();
    // The other tab, not reloaded: the badge is gone and its bell counts one too.
    await roomCard(listTab).getByTestId("room-unread").waitFor({ state: "detached" });
    await bell(listTab, 1).waitFor();
    await listTab.close();

    // The document mention: the block is scrolled to and outlined.
    await bell(bob, 1).click();
    await inbox.getByTestId("notification").filter({ hasText: `Owner: @${people.bob.name}` }).getByRole("button").click();
    const landing = bob.getByTestId("search-landing");
    await landing.waitFor({ state: "attached" });
    expect(await landing.getAttribute("data-text")).toContain(`Owner: @${people.bob.name} about the budget`);
    expect(bob.url()).toContain(`/rooms/${roomId}?block=1`);
    await bell(bob, 0).waitFor();

    // Bob saw the room's chat: back on the list, no badge.
    await bob.goto(`${stack.webUrl}/#/`);
    await roomCard(bob).waitFor();
    await expect.poll(() => roomCard(bob).getByTestId("room-unread").count(), { timeout: WAIT_MS }).toBe(0);
  });

  it("Alice mentions Bob in a comment with the same @ list; his inbox opens the Comments panel at the thread", async () => {
    // Right after typing elsewhere: the shortcut takes the selection the browser shows (comment-anchor.ts).
    const box = alice.getByRole("form", { name: "New comment" }).getByRole("textbox", { name: "Your comment" });
    await editorOf(alice).getByText("Plans for the quarter.").click();
    await alice.keyboard.press("Home");
    await alice.keyboard.press("Shift+End");
    await alice.keyboard.press("Control+Alt+M");
    await box.waitFor();
    await box.pressSequentially("@Bo");
    await alice.getByRole("listbox", { name: "People to mention" }).getByRole("option", { name: people.bob.name }).waitFor();
    await box.press("Tab");
    await box.pressSequentially("please review");
    await alice.getByRole("form", { name: "New comment" }).getByRole("button", { name: "Comment" }).click();
    const thread = alice.getByRole("article", { name: /Comment thread on/ }).filter({ hasText: "please review" });
    expect(await thread.locator(`[data-mention-id="${bobId}"]`).textContent()).toBe(`@${people.bob.name}`);

    await bell(bob, 1).click();
    await bob.getByRole("dialog", { name: "Notifications" }).getByTestId("notification").filter({ hasText: "please review" }).getByRole("button").click();
    const bobsThread = bob.getByRole("article", { name: /Comment thread on/ }).filter({ hasText: "please review" });
    await bobsThread.and(bob.locator('[data-active="true"]')).waitFor();
    expect(await bob.getByRole("tab", { name: "Comments" }).getAttribute("aria-selected")).toBe("true");
    // Bob's own name stands out.
    expect(await bobsThread.locator(`[data-mention-id="${bobId}"]`).getAttribute("data-you")).toBe("true");
  });

  it("on a phone the inbox is a full-screen sheet with a way back", async () => {
    await bob.goto(`${stack.webUrl}/#/`);
    await bob.setViewportSize(PHONE);
    await bell(bob, 0).click();
    const inbox = bob.getByRole("dialog", { name: "Notifications" });
    await inbox.getByTestId("notification").first().waitFor();
    const box = await inbox.boundingBox();
    expect(box?.width).toBe(PHONE.width);
    expect(box?.height).toBe(PHONE.height);
    await shot(bob, "phone-inbox");
    await inbox.getByRole("button", { name: "← Back" }).click();
    await inbox.waitFor({ state: "hidden" });
    await bob.setViewportSize(DESKTOP);
  });
});
