// First render of a big room: the automerge-paper document (bench/fixtures: the paper's final
// text, 104,852 characters in 1,173 lines, put over REST as plain text) in the production
// client, timed from navigation to the document's last line on screen. Printed for the README;
// the assertion's bound is generous because CI machines are shared.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevStack } from "./dev-stack.ts";
import { apiAs, DESKTOP, editorOf, newPerson, signUp, startBrowserStack } from "./browser.ts";
import { serveProductionShell, type ShellServer } from "./shell-server.ts";

const FIXTURE = path.resolve(import.meta.dirname, "../../bench/fixtures/automerge-paper.json.gz");
const paper = (JSON.parse(gunzipSync(readFileSync(FIXTURE)).toString("utf8")) as { endContent: string }).endContent;
const LAST_LINE = "This completes the induction step in the proof of Theorem";
const BOUND_MS = 3_000;

let stack: DevStack;
let browser: Browser;
let shell: ShellServer;
let rita: Page;
let roomId = "";
const run = Date.now().toString(36);

beforeAll(async () => {
  ({ stack, browser } = await startBrowserStack("dev-stack-performance.log"));
  shell = await serveProductionShell(stack.apiUrl);
  rita = await newPerson(browser, "rita");
  await signUp(rita, shell.url, { name: "Rita", email: `rita-${run}@example.com` });
  roomId = (await apiAs(rita, stack.apiUrl, "POST", "/api/rooms", { name: "The paper", visibility: "private" })).body.room.id;
  const put = (await rita.evaluate(
    `fetch(${JSON.stringify(`${stack.apiUrl}/api/rooms/${roomId}/document`)}, { method: "PUT", credentials: "include", headers: { "content-type": "text/plain" }, body: ${JSON.stringify(paper)} }).then((r) => r.status)`,
  )) as number;
  expect(put).toBe(204);
});

afterAll(async () => {
  await browser?.close();
  await shell?.dispose();
  await stack?.stop();
});

/**
 * Runs in the page before its scripts: notes when the paper's last paragraph enters the document,
 * in the page's own clock (milliseconds since navigation started). Only the editor's last few
 * paragraphs are looked at, so watching costs next to nothing.
 */
const WATCH_FIRST_RENDER = `(() => {
  const seen = () => [...document.querySelectorAll(".ProseMirror > p:nth-last-child(-n+4)")].some((p) => p.textContent.includes(${JSON.stringify(LAST_LINE)}));
  const observer = new MutationObserver(() => {
    if (!seen()) return;
    window.firstRenderAt = performance.now();
    observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true });
})()`;

/** From navigating to the room until the paper's last paragraph is in the page: in the page's clock, and as the test saw it. */
async function timeFirstRender(page: Page): Promise<{ page: number; wall: number }> {
  const started = performance.now();
  await page.goto(`${shell.url}/#/rooms/${roomId}`);
  await editorOf(page).getByText(LAST_LINE).waitFor();
  const wall = Math.round(performance.now() - started);
  return { page: Math.round((await page.evaluate("window.firstRenderAt")) as number), wall };
}

/** A browser profile of its own with Rita's session: no copy of the document, no cached shell. */
async function freshProfile(): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP, storageState: await rita.context().storageState() });
  const page = await context.newPage();
  await page.addInitScript(WATCH_FIRST_RENDER);
  return page;
}

describe("a room holding the automerge-paper document", () => {
  it(`renders it within ${BOUND_MS} ms of navigation, from the server and from the browser's copy`, async () => {
    // First opens, each in a fresh profile: the document comes from the server. The better of two
    // is asserted (this machine is shared; one run can stall behind others' work); both are printed.
    const first = await freshProfile();
    const second = await freshProfile();
    const opens = [await timeFirstRender(first), await timeFirstRender(second)];
    const fromServer = opens.reduce((best, open) => (open.page < best.page ? open : best));
    // The same tab again: the document opens from its offline copy, then syncs.
    const fresh = second;
    await fresh.goto("about:blank");
    const fromCopy = await timeFirstRender(fresh);
    const paragraphs = await editorOf(fresh).locator("p").count();
    const shown = (await editorOf(fresh).textContent())!.replace(/\s/g, "").length;
    console.log(
      `[first render] automerge-paper (${paper.length} chars, ${paragraphs} paragraphs), navigation start to its last paragraph in the page: ` +
        `${opens.map((open) => open.page).join(" ms and ")} ms from the server (two fresh profiles), ${fromCopy.page} ms from the browser's copy ` +
        `(seen by the test: ${opens.map((open) => open.wall).join(" ms, ")} ms and ${fromCopy.wall} ms)`,
    );
    // Every character but whitespace (blank lines become paragraph breaks) is on the page.
    expect(shown).toBe(paper.replace(/\s/g, "").length);
    expect(fromServer.page).toBeGreaterThan(0);
    expect(fromServer.page).toBeLessThan(BOUND_MS);
    expect(fromCopy.page).toBeGreaterThan(0);
    expect(fromCopy.page).toBeLessThan(BOUND_MS);
    await first.context().close();
    await second.context().close();
  });
});
