import fs from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signUp } from "./helpers";

// Issue 25 item 6 in a real browser at 390x844 (and 1366x900 where the desktop differs): hero
// buttons on one line each, tables that say they scroll, no key hints on a touch screen, a Copy
// button on the curl example. Screenshots in .cache/screens/. No console errors on any page is
// e2e/ui/console.spec.ts's last test.

const screens = ".cache/screens";
const phone = { width: 390, height: 844 };
const desktop = { width: 1366, height: 900 };
fs.mkdirSync(screens, { recursive: true });

async function newAccount(browser: Browser, options: Parameters<Browser["newContext"]>[0] = {}): Promise<Page> {
  const page = await (await browser.newContext({ viewport: desktop, ...options })).newPage();
  await signUp(page, `details-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.com`, "a long enough password");
  return page;
}

for (const [name, size] of [["phone", phone], ["desktop", desktop]] as const) {
  test(`home page hero buttons stay on one line each at ${name}`, async ({ browser }) => {
    const page = await (await browser.newContext({ viewport: size })).newPage();
    await page.goto("/");
    const links = page.getByTestId("hero-actions").getByRole("link");
    await expect(links).toHaveCount(3);
    for (const link of await links.all()) {
      const lines = await link.evaluate((element) => {
        const style = getComputedStyle(element);
        return Math.round((element.getBoundingClientRect().height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)) / parseFloat(style.lineHeight));
      });
      expect(lines, (await link.textContent()) ?? "").toBe(1);
    }
    // Whole buttons wrap, at most into two rows of buttons on a phone.
    const tops = new Set(await links.evaluateAll((elements) => elements.map((element) => Math.round(element.getBoundingClientRect().top))));
    expect(tops.size).toBeLessThanOrEqual(2);
    await page.screenshot({ path: `${screens}/details-hero-${name}.png` });
    await page.context().close();
  });
}

test("a table wider than a phone says it scrolls; on a desktop it does not need to", async ({ browser }) => {
  const page = await newAccount(browser);
  await page.goto("/keys");
  await page.getByLabel("Key name").fill("phone key");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("key-row")).toHaveCount(1);
  await expect(page.getByTestId("scroll-hint")).toHaveCount(0);
  await page.setViewportSize(phone);
  const area = page.getByTestId("scroll-area").filter({ has: page.getByTestId("keys-table") });
  await expect(area).toHaveAttribute("data-overflowing", "true");
  await expect(page.getByTestId("scroll-hint")).toBeVisible();
  // A keyboard can scroll it: it is a named, focusable region.
  await expect(area).toHaveAttribute("role", "region");
  await area.focus();
  await page.keyboard.press("ArrowRight");
  await expect.poll(() => area.evaluate((element) => element.scrollLeft)).toBeGreaterThan(0);
  await page.screenshot({ path: `${screens}/details-table-phone.png`, fullPage: true });
  await page.context().close();
});

test("the curl example has a Copy button that copies the whole request", async ({ browser }) => {
  const page = await newAccount(browser);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/keys");
  await page.getByLabel("Key name").fill("copy key");
  await page.getByRole("button", { name: "Create key" }).click();
  const curl = (await page.getByTestId("new-key-curl").textContent())!.trim();
  expect(curl).toMatch(/^curl -H "X-API-Key: vr_[0-9a-f]{32}" http/);
  const copy = page.getByTestId("new-key").getByRole("button", { name: "Copy the example request" });
  await copy.click();
  await expect(copy).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(curl);
  await page.setViewportSize(phone);
  await page.screenshot({ path: `${screens}/details-curl-copy-phone.png`, fullPage: true });
  await page.context().close();
});

test("key hints show with a mouse and are hidden on a touch screen", async ({ browser }) => {
  test.setTimeout(240_000);
  const page = await newAccount(browser);
  const started = await page.request.post("/api/jobs/start", { form: { tripId: "hints", videoName: "pattern.mp4" } });
  expect(started.status()).toBe(200);
  const id = (await started.json()).job_id as string;
  await expect.poll(async () => (await (await page.request.get(`/api/jobs/${id}`)).json()).done, { timeout: 180_000 }).toBe(true);
  await page.goto(`/analyses/${id}`);
  await expect(page.getByTestId("keyboard-hint")).toBeVisible();
  const state = await page.context().storageState();

  const touch = await (await browser.newContext({ viewport: phone, hasTouch: true, isMobile: true, storageState: state })).newPage();
  await touch.goto(`/analyses/${id}`);
  expect(await touch.evaluate(() => matchMedia("(hover: none)").matches || matchMedia("(pointer: coarse)").matches)).toBe(true);
  await expect(touch.getByTestId("source-video")).toBeVisible();
  await expect(touch.getByTestId("keyboard-hint")).toBeHidden();
  await touch.screenshot({ path: `${screens}/details-touch-player-phone.png` });
  await touch.context().close();
  await page.context().close();
});
