import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { e2eVideoDir } from "../global-setup";
import { e2eAdminEmail } from "../../playwright.config";
import { signUp } from "./helpers";
import { sweep, type Finding } from "./a11y-sweep";

// Issue 15 item 7: every main page at a phone's and a desktop's size, with no sideways scroll
// and no serious or critical axe-core violation; the collapsing nav and its current-page mark;
// sign-in returning to the page it interrupted; the styled 403 and 404 pages.

const viewports = { phone: { width: 390, height: 844 }, desktop: { width: 1366, height: 900 } } as const;
type Viewport = keyof typeof viewports;
const screens = ".cache/screens";
const password = "an admin password";

/** The e2e admin: signs up when this is the server's first run of it, else signs in. */
async function signInAdmin(page: Page): Promise<void> {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("E2E Admin");
  await page.getByLabel("Email").fill(e2eAdminEmail);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  // On a phone the signed-in address sits in the collapsed menu: wait for it to exist, not to show.
  const taken = page.getByText("Email already registered");
  await expect.poll(async () => (await page.getByTestId("signed-in-as").count()) > 0 || (await taken.isVisible())).toBe(true);
  if (await taken.isVisible()) {
    await page.goto("/sign-in");
    await signIn(page, e2eAdminEmail, password);
  }
  await expect(page.getByTestId("signed-in-as")).toHaveText(e2eAdminEmail);
}

async function signIn(page: Page, email: string, secret: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(secret);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function contextAt(browser: Browser, viewport: Viewport) {
  return browser.newContext({ viewport: viewports[viewport] });
}

let analysisPath = "";
let reframePath = "";

test("every main page: no sideways scroll at 390 px, no serious axe violations, at both sizes", async ({ browser }) => {
  test.setTimeout(600_000);
  const findings: Finding[] = [];

  // Signed out: the public pages, then an anonymous analysis: this browser's list and the job
  // page with its controls, and the same page from a browser that did not start it.
  let anonymousJob = "";
  let browserCookies: Awaited<ReturnType<BrowserContext["cookies"]>> = [];
  for (const viewport of Object.keys(viewports) as Viewport[]) {
    const context = await contextAt(browser, viewport);
    const page = await context.newPage();
    for (const [name, url] of [["sign-in", "/sign-in"], ["sign-up", "/sign-up"], ["home-signed-out", "/"]] as const) {
      await page.goto(url);
      findings.push(...(await sweep(page, name, viewport)));
    }
    if (!anonymousJob) {
      const started = await page.request.post("/api/jobs/start", { form: { tripId: "TRIP-A11Y-ANON", videoName: "pattern.mp4" } });
      expect(started.status()).toBe(200);
      anonymousJob = ((await started.json()) as { job_id: string }).job_id;
      browserCookies = await context.cookies();
    } else {
      await page.goto(`/analyses/${anonymousJob}`);
      await expect.soft(page.getByTestId("controls-not-yours")).toBeVisible();
      findings.push(...(await sweep(page, "analysis-not-yours", viewport)));
      await context.addCookies(browserCookies);
    }
    await page.goto("/analyses");
    await expect.soft(page.getByTestId("browser-analyses-table")).toContainText("TRIP-A11Y-ANON");
    findings.push(...(await sweep(page, "analyses-this-browser", viewport)));
    await page.goto(`/analyses/${anonymousJob}`);
    await expect.soft(page.getByRole("button", { name: "Delete" })).toBeVisible();
    await page.waitForTimeout(500);
    findings.push(...(await sweep(page, "analysis-anonymous", viewport)));
    await context.close();
  }

  // Signed in as the admin: every other page, with an analysis of the pattern video to show.
  for (const viewport of Object.keys(viewports) as Viewport[]) {
    const context = await contextAt(browser, viewport);
    const page = await context.newPage();
    await signInAdmin(page);
    if (!analysisPath) {
      const started = await page.request.post("/api/jobs/start", { form: { tripId: "TRIP-A11Y", videoName: "pattern.mp4" } });
      expect(started.status()).toBe(200);
      analysisPath = `/analyses/${((await started.json()) as { job_id: string }).job_id}`;
      // A reframe of the same video, through a key of this account (POST /process takes keys only).
      await page.goto("/keys");
      await page.getByLabel("Key name").fill("a11y sweep");
      await page.getByRole("button", { name: "Create key" }).click();
      const key = (await page.getByTestId("new-key-value").textContent())!.trim();
      const reframe = await page.request.post("/process", {
        headers: { "X-API-Key": key },
        multipart: { file: { name: "pattern.mp4", mimeType: "video/mp4", buffer: await readFile(path.join(e2eVideoDir, "pattern.mp4")) } },
      });
      expect(reframe.status()).toBe(200);
      reframePath = `/reframes/${((await reframe.json()) as { job_id: string }).job_id}`;
    }
    const pages: [string, string][] = [
      ["home", "/"],
      ["analyses", "/analyses"],
      ["analyses-new", "/analyses/new"],
      ["new", "/new"],
      ["reframes-new", "/reframes/new"],
      ["features-new", "/features/new"],
      ["transcripts-new", "/transcripts/new"],
      ["analysis", analysisPath],
      ["review", "/review"],
      ["search", "/search?q=person&kind=everything"],
      ["reframe", reframePath],
      ["keys", "/keys"],
      ["enhancement", "/enhancement"],
      ["admin", "/admin"],
      ["reference-page", "/docs/reframer"],
      ["not-found", "/no-such-page"],
    ];
    for (const [name, url] of pages) {
      const response = await page.goto(url);
      if (name === "not-found") {
        expect(response?.status()).toBe(404);
        await expect(page.getByTestId("not-found")).toBeVisible();
      }
      if (name === "analysis") await expect.soft(page.getByTestId("job-status")).toHaveText("completed", { timeout: 180_000 });
      if (name === "reframe") await expect.soft(page.getByTestId("reframe-results")).toBeVisible({ timeout: 180_000 });
      if (name === "admin") await expect.soft(page.getByTestId("admin-page")).toBeVisible();
      if (name === "reference-page") await expect.soft(page.getByTestId("reference-page")).toContainText("POST /process");
      // Not "networkidle": the admin console and the live job page keep polling.
      await page.waitForLoadState("load");
      await page.waitForTimeout(500);
      findings.push(...(await sweep(page, name, viewport)));
    }
    // The zone editor open over the finished analysis's frame (components/analysis/zone-editor.tsx).
    await page.goto(analysisPath);
    await expect.soft(page.getByTestId("job-status")).toHaveText("completed", { timeout: 180_000 });
    await page.getByRole("button", { name: "Edit zones and run again" }).click();
    await expect(page.getByTestId("zone-editor")).toBeVisible();
    await page.getByRole("button", { name: "Draw a new zone" }).click();
    findings.push(...(await sweep(page, "analysis-zone-editor", viewport)));
    // /docs: Swagger UI renders one block per operation of /openapi.json, and one opens.
    // (an operation with two tags shows under each)
    const document = (await (await page.request.get("/openapi.json")).json()) as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const operations = Object.values(document.paths).reduce((sum, methods) => sum + Object.values(methods).reduce((count, { tags }) => count + Math.max(1, tags?.length ?? 0), 0), 0);
    await page.goto("/docs");
    await expect(page.locator(".opblock")).toHaveCount(operations, { timeout: 30_000 });
    await expect(page.locator(".opblock-summary-path", { hasText: "/api/jobs/{job_id}/results" })).toBeVisible();
    findings.push(...(await sweep(page, "docs", viewport)));
    await page.locator(".opblock-get", { has: page.locator('[data-path="/api/jobs/{job_id}/results"]') }).locator(".opblock-summary-control").click();
    await expect(page.locator(".parameters").getByText("page_size")).toBeVisible();
    findings.push(...(await sweep(page, "docs-operation", viewport)));
    await context.close();
  }

  expect(findings.map(({ page, viewport, problem }) => `${page} @ ${viewport}: ${problem}`)).toEqual([]);
});

test("/docs links every reference page of docs/, and serves no other name", async ({ page }) => {
  await page.goto("/docs");
  const links = page.getByTestId("reference-pages").getByRole("link");
  await expect(links).toHaveCount(7);
  await links.filter({ hasText: "Editor jobs" }).click();
  await expect(page).toHaveURL(/\/docs\/editor-jobs$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Editor jobs (editor-jobs)");
  await expect(page.getByTestId("reference-page")).toContainText("generate_clip");
  for (const name of ["README", "README.md", "..%2FREADME.md", "..%2F..%2Fpackage.json", "assets", "constructor"]) {
    const response = await page.request.get(`/docs/${name}`, { headers: { accept: "text/html" } });
    expect(response.status(), name).toBe(404);
    expect(await response.text(), name).not.toContain("Framewise is a self-hostable");
  }
});

test("the nav collapses behind a disclosure button on phones and marks the current page", async ({ browser }) => {
  const phone = await (await contextAt(browser, "phone")).newPage();
  await phone.goto("/sign-in");
  const toggle = phone.getByRole("button", { name: "Menu" });
  const nav = phone.getByRole("navigation", { name: "Main" });
  await expect(toggle).toBeVisible();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(nav.getByRole("link", { name: "Analyses", exact: true })).toBeHidden();
  await phone.screenshot({ path: `${screens}/nav-collapsed-phone.png`, fullPage: true });
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(phone.locator(`#${await toggle.getAttribute("aria-controls")}`)).toBeVisible();
  await expect(nav.getByRole("link", { name: "Sign in" })).toHaveAttribute("aria-current", "page");
  await phone.screenshot({ path: `${screens}/nav-open-phone.png`, fullPage: true });
  await nav.getByRole("link", { name: "API docs" }).click();
  await expect(phone).toHaveURL(/\/docs$/);
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.click();
  await expect(nav.getByRole("link", { name: "API docs" })).toHaveAttribute("aria-current", "page");
  await expect(nav.locator('[aria-current="page"]')).toHaveCount(1);
  await phone.context().close();

  const desktop = await (await contextAt(browser, "desktop")).newPage();
  await desktop.goto("/analyses/new");
  const desktopNav = desktop.getByRole("navigation", { name: "Main" });
  await expect(desktop.getByRole("button", { name: "Menu" })).toBeHidden();
  // Every form that starts work belongs to New.
  await expect(desktopNav.getByRole("link", { name: "New", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(desktopNav.getByRole("link", { name: "Analyses", exact: true })).not.toHaveAttribute("aria-current", "page");
  await desktop.screenshot({ path: `${screens}/nav-desktop.png` });
  await desktop.context().close();
});

test("sign-in returns to the page that asked for it, at both sizes", async ({ browser }) => {
  const email = `returning-${Date.now()}@example.com`;
  const secret = "a long enough password";
  const setup = await browser.newContext();
  await signUp(await setup.newPage(), email, secret);
  await setup.close();

  // Phone: a page that needs a session sends you to sign in, and back.
  const phone = await (await contextAt(browser, "phone")).newPage();
  await phone.goto("/keys");
  await expect(phone).toHaveURL(/\/sign-in\?callbackUrl=%2Fkeys$/);
  await phone.screenshot({ path: `${screens}/sign-in-return-phone.png`, fullPage: true });
  await signIn(phone, email, secret);
  await expect(phone).toHaveURL(/\/keys$/);
  await expect(phone.getByTestId("signed-in-as")).toHaveText(email);
  await phone.context().close();

  // Desktop: the nav's Sign in link remembers where you were.
  const desktop = await (await contextAt(browser, "desktop")).newPage();
  await desktop.goto("/enhancement");
  await desktop.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).click();
  await expect(desktop).toHaveURL(/\/sign-in\?callbackUrl=%2Fenhancement$/);
  await desktop.screenshot({ path: `${screens}/sign-in-return-desktop.png`, fullPage: true });
  await signIn(desktop, email, secret);
  await expect(desktop).toHaveURL(/\/enhancement$/);
  await expect(desktop.getByTestId("signed-in-as")).toHaveText(email);

  // An admin page other than /admin comes back to itself too.
  await desktop.getByRole("button", { name: "Sign out" }).click();
  await expect(desktop).toHaveURL(/\/sign-in/);
  await desktop.goto("/admin/system");
  await expect(desktop).toHaveURL(/\/sign-in\?callbackUrl=%2Fadmin%2Fsystem$/);

  // Nowhere else: a callbackUrl off this site lands on the home page.
  await expect(desktop).toHaveURL(/\/sign-in/);
  await desktop.goto("/sign-in?callbackUrl=https%3A%2F%2Fevil.example%2F");
  await signIn(desktop, email, secret);
  await expect(desktop.getByTestId("signed-in-as")).toHaveText(email);
  expect(new URL(desktop.url()).host).toBe(new URL(test.info().project.use.baseURL!).host);
  expect(new URL(desktop.url()).pathname).toBe("/");
  await desktop.context().close();
});

test("a non-admin on /admin gets the styled 403 page, at both sizes", async ({ browser }) => {
  const email = `plain-${Date.now()}@example.com`;
  const setup = await browser.newContext();
  await signUp(await setup.newPage(), `first-${Date.now()}@example.com`, "a long enough password"); // the server's first account is its admin
  await setup.close();
  for (const viewport of Object.keys(viewports) as Viewport[]) {
    const context = await contextAt(browser, viewport);
    const page = await context.newPage();
    await signUp(page, `${viewport}-${email}`, "a long enough password");
    const response = await page.goto("/admin");
    expect(response?.status()).toBe(403);
    await expect(page.getByTestId("forbidden")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
    await expect(page.getByTestId("admin-page")).toHaveCount(0);
    const findings = await sweep(page, "forbidden", viewport);
    expect(findings.map(({ problem }) => problem)).toEqual([]);
    await context.close();
  }
});
