import path from "node:path";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { e2eVideoDir } from "../global-setup";
import { signUp } from "./helpers";

// Issue 25 item 7: a signed-out browser's analyses are listed as "this browser"'s, and only that
// browser (or, signed in, the account or an admin) is offered Cancel, Run again and Delete. The
// proof is a signed, httpOnly cookie: another browser holding the job's link sees the analysis
// but no controls, a forged cookie proves nothing, and a server action from a browser that lost
// the proof is refused with the reason. Screenshots at 1366x900 and 390x844 under .cache/screens.

const desktop = { width: 1366, height: 900 };
const phone = { width: 390, height: 844 };
const screens = ".cache/screens";
const video = path.join(e2eVideoDir, "pattern.mp4");
const COOKIE = "framewise.browser-jobs";

/** The page at both sizes, full length, ending at the desktop size. */
async function shoot(page: Page, name: string) {
  for (const [label, size] of [["phone", phone], ["desktop", desktop]] as const) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${screens}/anonymous-${name}-${label}.png`, fullPage: true });
  }
}

/** The job id at the end of an analysis page's URL. */
function jobIdOf(page: Page): string {
  return new URL(page.url()).pathname.split("/").pop()!;
}

/** Waits until the job on this page has stopped (cancelling it first when it still runs, as its creator may). */
async function stopJob(page: Page) {
  const cancel = page.getByRole("button", { name: "Cancel job" });
  if (await cancel.isVisible()) await cancel.click({ timeout: 5_000 }).catch(() => undefined);
  await expect(page.getByTestId("controls-status")).toHaveText(/^(completed|cancelled|failed)$/, { timeout: 120_000 });
}

async function browserCookie(context: BrowserContext) {
  return (await context.cookies()).find((cookie) => cookie.name === COOKIE);
}

test("a signed-out browser lists its analyses and alone may run them again or delete them", async ({ browser }) => {
  test.setTimeout(300_000);
  const mine = await browser.newContext({ viewport: desktop });
  const page = await mine.newPage();

  // An empty "this browser" list before anything is started.
  await page.goto("/analyses");
  await expect(page.getByTestId("browser-analyses-table")).toContainText("No analyses started in this browser yet.");
  await shoot(page, "list-empty");

  // Start one through the upload form, signed out.
  await page.goto("/analyses/new");
  await page.getByTestId("file-input").setInputFiles(video);
  await page.locator("#upload-label").fill("ANON-E2E");
  await page.getByRole("button", { name: "Upload and analyse" }).click();
  await expect(page).toHaveURL(/\/analyses\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  const first = jobIdOf(page);
  const cookie = await browserCookie(mine);
  expect(cookie, "the upload answer sets the browser's cookie").toBeDefined();
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
  expect(cookie!.value).toContain(first);
  await expect(page.getByTestId("controls-not-yours")).toHaveCount(0);
  await stopJob(page);
  await expect(page.getByRole("button", { name: "Run again…" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Delete" })).toBeVisible();
  await shoot(page, "job-mine");

  // This browser's list: the analysis with its label, status, start and a link.
  await page.goto("/analyses");
  const row = page.getByTestId("browser-analyses-table").getByTestId("analysis-row").filter({ hasText: "ANON-E2E" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("pattern.mp4");
  await expect(row).toContainText(/completed|cancelled|failed/);
  await expect(row.getByRole("link")).toHaveAttribute("href", `/analyses/${first}`);
  await shoot(page, "list-mine");

  // Another browser with the link sees the analysis, not the controls, and lists nothing.
  const other = await browser.newContext({ viewport: desktop });
  const stranger = await other.newPage();
  await stranger.goto(`/analyses/${first}`);
  await expect(stranger.getByTestId("analysis-title")).toHaveText("pattern.mp4");
  await expect(stranger.getByTestId("controls-not-yours")).toHaveText("Started in another browser: only that browser can run it again or delete it.");
  await expect(stranger.getByRole("button", { name: /Run again|Delete|Cancel job/ })).toHaveCount(0);
  await shoot(stranger, "job-not-mine");
  await stranger.goto("/analyses");
  await expect(stranger.getByTestId("browser-analyses-table")).toContainText("No analyses started in this browser yet.");

  // A cookie the stranger writes itself (the job's id, any signature) proves nothing.
  await other.addCookies([{ name: COOKIE, value: `v1.${first}.${"A".repeat(43)}`, url: page.url() }]);
  await stranger.goto(`/analyses/${first}`);
  await expect(stranger.getByTestId("controls-not-yours")).toBeVisible();
  await stranger.goto("/analyses");
  await expect(stranger.getByTestId("browser-analyses-table").getByTestId("analysis-row")).toHaveCount(0);

  // A page opened with the proof, whose browser then lost it (cookies cleared in another tab):
  // the server action refuses, with the reason, and nothing is deleted.
  const lost = await browser.newContext({ viewport: desktop });
  await lost.addCookies([{ ...cookie! }]);
  const lostPage = await lost.newPage();
  await lostPage.goto(`/analyses/${first}`);
  await expect(lostPage.getByRole("button", { name: "Delete" })).toBeVisible();
  await lost.clearCookies();
  await lostPage.getByRole("button", { name: "Delete" }).click();
  await lostPage.getByRole("button", { name: "Delete job and files" }).click();
  await expect(lostPage.getByTestId("controls-error")).toHaveText("Only the browser that started this job can delete it");
  await lost.close();
  await stranger.goto(`/analyses/${first}`);
  await expect(stranger.getByTestId("analysis-title")).toHaveText("pattern.mp4");
  await other.close();

  // Run again from the creating browser: the re-run is this browser's too.
  await page.goto(`/analyses/${first}`);
  await page.getByRole("button", { name: "Run again…" }).click();
  await page.getByRole("button", { name: "Start the new run" }).click();
  await expect(page).not.toHaveURL(new RegExp(first));
  await expect(page).toHaveURL(/\/analyses\/[0-9a-f-]{36}$/);
  const second = jobIdOf(page);
  expect((await browserCookie(mine))!.value).toContain(second);
  await expect(page.getByRole("button", { name: "Delete" })).toBeVisible();
  await page.goto("/analyses");
  await expect(page.getByTestId("browser-analyses-table").getByTestId("analysis-row")).toHaveCount(2);
  await shoot(page, "list-two");

  // Delete the re-run: it leaves the list and the cookie.
  await page.goto(`/analyses/${second}`);
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Delete job and files" }).click();
  await expect(page).toHaveURL(/\/analyses$/, { timeout: 30_000 });
  await expect(page.getByTestId("browser-analyses-table").getByTestId("analysis-row")).toHaveCount(1);
  await expect(page.getByTestId("browser-analyses-table")).not.toContainText(second);
  expect((await browserCookie(mine))!.value).not.toContain(second);
  expect((await page.request.get(`/api/jobs/${second}`)).status()).toBe(404);

  // Signed in, the browser's anonymous analyses stay listed below the account's, and its
  // controls stay offered to this browser.
  await signUp(page, `anonymous-then-${Date.now()}@example.com`, "a long enough password");
  await page.goto("/analyses");
  // (The account's own list is there too; on a fresh server the first account is its admin and lists everything.)
  await expect(page.getByTestId("analyses-table")).toBeVisible();
  await expect(page.getByTestId("browser-analyses-table").getByTestId("analysis-row")).toHaveCount(1);
  await shoot(page, "list-signed-in");
  await page.goto(`/analyses/${first}`);
  await expect(page.getByRole("button", { name: "Run again…" })).toBeVisible();
  await mine.close();
});
