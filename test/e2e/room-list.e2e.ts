// The room list: search by name, sort by recent activity / name / age, who is in each room now;
// and renaming a room from its header (owners only).
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DevStack } from "./dev-stack.ts";
import { apiAs, editorOf, newPerson, shot, signUp, startBrowserStack } from "./browser.ts";

let stack: DevStack;
let browser: Browser;
let jo: Page;
let kim: Page;
const run = Date.now().toString(36);
const joWho = { name: "Jo Example", email: `jo-${run}@example.com` };
const kimWho = { name: "Kim Example", email: `kim-${run}@example.com` };
const ids: Record<string, string> = {};

const names = (page: Page) => page.getByRole("list", { name: "Rooms" }).getByTestId("room-item-name").allInnerTexts();
const item = (page: Page, name: string) => page.getByTestId("room-item").filter({ hasText: name });

beforeAll(async () => {
  ({ stack, browser } = await startBrowserStack("dev-stack-room-list.log"));
  jo = await newPerson(browser, "jo");
  kim = await newPerson(browser, "kim");
  await signUp(jo, stack.webUrl, joWho);
  await signUp(kim, stack.webUrl, kimWho);
  // Created in this order (so "Newest" is the reverse), then Alpha is edited and snapshotted:
  // the most recently active.
  for (const name of ["Alpha notes", "Beta plans", "Gamma café"]) {
    const created = await apiAs(jo, stack.apiUrl, "POST", "/api/rooms", { name, visibility: "public" });
    expect(created.status).toBe(201);
    ids[name] = created.body.room.id;
  }
  const doc = { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "activity" }] }] };
  expect((await apiAs(jo, stack.apiUrl, "PUT", `/api/rooms/${ids["Alpha notes"]}/document`, doc)).status).toBeLessThan(300);
  expect((await apiAs(jo, stack.apiUrl, "POST", `/api/rooms/${ids["Alpha notes"]}/snapshots`, { label: "now" })).status).toBe(201);
});

afterEach(async ({ task }) => {
  if (task.result?.state === "fail") await Promise.all([shot(jo, `FAILED-list-${task.name.replace(/\W+/g, "-")}-jo`), shot(kim, "FAILED-list-kim")]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("the room list", () => {
  it("sorts by recent activity, by name and by age", async () => {
    await jo.goto(`${stack.webUrl}/#/`);
    await jo.reload(); // the list was loaded at sign-up, before the rooms existed
    await item(jo, "Gamma café").waitFor();
    expect(await names(jo)).toEqual(["Alpha notes", "Gamma café", "Beta plans"]);
    expect(await item(jo, "Alpha notes").getByTestId("room-activity").innerText()).toMatch(/active (now|\d+ seconds? ago)/);
    await jo.getByLabel("Sort by").selectOption({ label: "Name" });
    expect(await names(jo)).toEqual(["Alpha notes", "Beta plans", "Gamma café"]);
    await jo.getByLabel("Sort by").selectOption({ label: "Newest" });
    expect(await names(jo)).toEqual(["Gamma café", "Beta plans", "Alpha notes"]);
  });

  it("filters by name as you type, ignoring case and accents", async () => {
    await jo.getByLabel("Find a room").fill("CAFE");
    await expect.poll(() => names(jo)).toEqual(["Gamma café"]);
    await jo.getByLabel("Find a room").fill("plans beta");
    await expect.poll(() => names(jo)).toEqual(["Beta plans"]);
    await jo.getByLabel("Find a room").fill("nothing like this");
    await jo.getByText("No room names contain “nothing like this”.").waitFor();
    await jo.getByLabel("Find a room").fill("");
    await expect.poll(() => (names(jo)).then((n) => n.length)).toBe(3);
  });

  it("shows how many people are in each room now, live", async () => {
    await kim.goto(`${stack.webUrl}/#/rooms/${ids["Beta plans"]}`);
    await editorOf(kim).waitFor();
    await item(jo, "Beta plans").getByText("1 here now").waitFor();
    expect(await item(jo, "Beta plans").getByTestId("room-count").innerText()).toContain("1 person here");
    expect(await item(jo, "Gamma café").getByText("here now").count()).toBe(0);
    await shot(jo, "desktop-room-list");
    await kim.goto(`${stack.webUrl}/#/`);
    await item(jo, "Beta plans").getByText("here now").waitFor({ state: "detached" });
  });

  it("lets the owner rename a room from its header; others cannot", async () => {
    await kim.goto(`${stack.webUrl}/#/rooms/${ids["Alpha notes"]}`);
    await kim.getByTestId("room-name").filter({ hasText: "Alpha notes" }).waitFor();
    expect(await kim.getByRole("button", { name: "Rename room" }).count()).toBe(0);

    await jo.goto(`${stack.webUrl}/#/rooms/${ids["Alpha notes"]}`);
    await jo.getByRole("button", { name: "Rename room" }).click();
    await jo.getByLabel("Room name").fill("Alpha, renamed");
    await jo.getByRole("button", { name: "Save" }).click();
    await jo.getByTestId("room-name").filter({ hasText: "Alpha, renamed" }).waitFor();
    // Escape cancels a rename without saving.
    await jo.getByRole("button", { name: "Rename room" }).click();
    await jo.getByLabel("Room name").fill("Not this");
    await jo.keyboard.press("Escape");
    await jo.getByTestId("room-name").filter({ hasText: "Alpha, renamed" }).waitFor();

    expect((await apiAs(kim, stack.apiUrl, "GET", `/api/rooms/${ids["Alpha notes"]}`)).body.room.name).toBe("Alpha, renamed");
    await jo.goto(`${stack.webUrl}/#/`);
    await item(jo, "Alpha, renamed").waitFor();
  });
});
