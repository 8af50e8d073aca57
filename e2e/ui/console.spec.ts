import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type Browser, type FileChooser, type Page } from "@playwright/test";
import { skipWithoutSharedMedia } from "../../lib/media/test-media";
import { e2eAdminEmail } from "../../playwright.config";
import { e2eVideoDir } from "../global-setup";
import { signUp } from "./helpers";

// Issue 15 items 5, 8 and 9 in a real browser: the job controls and a keyboard-only upload, the
// API keys page, and the admin console, each at 1366x900 and 390x844 with screenshots.

const shots = ".cache/screens";
const desktop = { width: 1366, height: 900 };
const phone = { width: 390, height: 844 };
const adminPassword = "an admin password";

fs.mkdirSync(shots, { recursive: true });

/** Both viewports; no sideways scroll at 390 px is e2e/ui/a11y.spec.ts's sweep (the layout's nav is its part). */
async function shoot(page: Page, name: string) {
  for (const [label, size] of [["desktop", desktop], ["phone", phone]] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${shots}/${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize(desktop);
}

/** The admin of the e2e server (ADMIN_EMAIL): signed up by whichever spec comes first. */
async function adminPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: desktop });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(e2eAdminEmail);
  await page.getByLabel("Password").fill(adminPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  const signedIn = await page.getByTestId("signed-in-as").waitFor({ timeout: 5_000 }).then(() => true, () => false);
  if (!signedIn) await signUp(page, e2eAdminEmail, adminPassword);
  return page;
}

async function newUser(browser: Browser, name: string): Promise<{ page: Page; email: string; password: string }> {
  const page = await (await browser.newContext({ viewport: desktop })).newPage();
  const email = `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.com`;
  const password = "a long enough password";
  await signUp(page, email, password);
  return { page, email, password };
}

/** Presses Tab until the focused element matches, as a keyboard user would; fails after `limit` presses. */
async function tabTo(page: Page, matches: (element: Element) => boolean, limit = 60) {
  const source = `(${matches.toString()})`;
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((fn) => document.activeElement !== null && (0, eval)(fn)(document.activeElement), source)) return;
  }
  throw new Error(`Tab never reached ${source}`);
}

async function createKey(page: Page, name: string): Promise<string> {
  await page.goto("/keys");
  await page.getByLabel("Key name").fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  return (await page.getByTestId("new-key-value").textContent())!.trim();
}

async function summary(request: APIRequestContext, jobId: string) {
  const response = await request.get(`/api/jobs/${jobId}`);
  return { status: response.status(), body: await response.json() };
}

test("keyboard-only upload with options; cancel stops the running job and its worker; re-run with another fps; delete removes its files", async ({ browser }) => {
  test.skip(skipWithoutSharedMedia, "needs ../shared/media/vtest.avi (turned into .cache/e2e-videos/vtest.mp4)");
  test.setTimeout(420_000);
  const admin = await adminPage(browser);
  const { page } = await newUser(browser, "console-analyst");

  // Keyboard only: Tab to the drop zone, Enter opens the chooser, Tab to every field.
  await page.goto("/analyses/new");
  // Listening first: the chooser is intercepted from now on (a listener added just before the
  // key press can miss it, and then the browser's own dialog blocks the next one).
  const chooser = new Promise<FileChooser>((resolve) => page.once("filechooser", resolve));
  await expect(page.getByLabel("Video file")).toHaveAttribute("type", "file");
  // Hydrated (the server-video list has loaded): the drop zone's handler is attached.
  await expect(page.getByTestId("server-video-select")).toBeVisible();
  await tabTo(page, (element) => element.getAttribute("data-testid") === "drop-zone");
  await page.keyboard.press("Enter");
  const opened = await Promise.race([chooser, page.waitForTimeout(10_000).then(() => null)]);
  if (!opened) throw new Error("Enter on the drop zone opened no file chooser");
  await opened.setFiles(path.join(e2eVideoDir, "vtest.mp4"));
  await expect(page.getByTestId("chosen-file")).toContainText("vtest.mp4");
  await tabTo(page, (element) => element.id === "upload-label");
  await page.keyboard.type("TRIP-KEYS");
  await tabTo(page, (element) => element.tagName === "SUMMARY");
  await page.keyboard.press("Enter");
  await tabTo(page, (element) => element.id === "upload-fps");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("2");
  await tabTo(page, (element) => element.id === "upload-detect");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("0.3");
  await shoot(page, "upload-options");
  await tabTo(page, (element) => element.tagName === "BUTTON" && element.textContent === "Upload and analyse");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/analyses\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  const first = page.url().split("/").pop()!;

  // Running: elapsed and an estimate of what is left, from the progress so far.
  await expect(page.getByTestId("controls-status")).toHaveText("in progress", { timeout: 60_000 });
  await expect(page.getByTestId("job-remaining")).toHaveText(/^about \d+:\d\d$/, { timeout: 90_000 });
  await expect(page.getByTestId("job-elapsed")).toHaveText(/^\d+:\d\d$/);
  await shoot(page, "job-controls-running");
  const before = (await summary(page.request, first)).body.processed;
  expect(before).toBeGreaterThan(0);

  await page.getByRole("button", { name: "Cancel job" }).click();
  await expect(page.getByTestId("controls-status")).toHaveText("cancelled");
  await expect(page.getByTestId("job-remaining")).toHaveCount(0);
  // The worker stops: the engine runs nothing, and no frame is added after the next save.
  await expect.poll(async () => (await (await admin.request.get("/health/diagnostics")).json()).orchestration.running, { timeout: 20_000 }).toBe(0);
  const stopped = (await summary(page.request, first)).body.processed;
  await page.waitForTimeout(4000);
  expect((await summary(page.request, first)).body.processed).toBe(stopped);
  expect(stopped).toBeLessThan((await summary(page.request, first)).body.total);

  // The options typed on the upload page are the job's.
  await admin.goto(`/admin/jobs/${first}`);
  await expect(admin.getByTestId("admin-job-payload")).toContainText('"fps": 2');
  await expect(admin.getByTestId("admin-job-payload")).toContainText('"detectThreshold": 0.3');

  // Run again at 1 fps: a new job, the form starting from the old options.
  await page.reload();
  await page.getByRole("button", { name: "Run again…" }).click();
  await expect(page.locator("#rerun-fps")).toHaveValue("2");
  await page.locator("#rerun-fps").fill("1");
  await page.getByRole("button", { name: "Start the new run" }).click();
  await expect(page).not.toHaveURL(new RegExp(first), { timeout: 30_000 });
  const second = page.url().split("/").pop()!;
  expect(second).toMatch(/^[0-9a-f-]{36}$/);
  await admin.goto(`/admin/jobs/${second}`);
  await expect(admin.getByTestId("admin-job-payload")).toContainText('"fps": 1');
  await expect(admin.getByTestId("admin-job-log")).toContainText(`Re-run of job ${first}`);

  await expect(page.getByTestId("controls-status")).toHaveText("completed", { timeout: 240_000 });
  await page.reload();
  await expect(page.getByTestId("job-elapsed")).toHaveText(/^\d+:\d\d$/);
  const results = await (await page.request.get(`/api/jobs/${second}/results?page=1&page_size=100`)).json();
  const media = [`/api/jobs/${second}/source`, ...results.events.flatMap((event: { activityImageUrl: string | null; activityClipUrl: string | null }) => [event.activityImageUrl, event.activityClipUrl])]
    .filter((url): url is string => Boolean(url))
    .map((url) => new URL(url, page.url()).pathname);
  expect(media.length).toBeGreaterThan(2);
  for (const url of media) expect((await page.request.get(url)).status(), url).toBeLessThan(300);
  await shoot(page, "job-controls-finished");

  // Delete, confirmed in a dialog: the job's media answer 404 afterwards.
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this job?" });
  await expect(dialog).toBeVisible();
  await shoot(page, "job-delete-dialog");
  await dialog.getByRole("button", { name: "Delete job and files" }).click();
  await expect(page).toHaveURL(/\/analyses$/);
  for (const url of media) expect((await page.request.get(url)).status(), url).toBe(404);
  expect((await summary(page.request, second)).status).toBe(404);
  // The first job still uses the upload: its source stays until it goes too.
  expect((await page.request.get(`/api/jobs/${first}/source`)).status()).toBeLessThan(300);
});

test("API keys: an example request, the quota, revoke after a confirm (the shown key goes), delete a revoked key", async ({ browser }) => {
  const { page } = await newUser(browser, "console-keys");
  const key = await createKey(page, "first key");
  expect(key).toMatch(/^vr_[0-9a-f]{32}$/);
  await expect(page.getByTestId("new-key-curl")).toHaveText(new RegExp(`^curl -H "X-API-Key: ${key}" http://127\\.0\\.0\\.1:\\d+/videos$`));
  for (let i = 0; i < 3; i++) expect((await page.request.get("/videos", { headers: { "X-API-Key": key } })).status()).toBe(200);
  await shoot(page, "keys-new");

  // Revoke asks first; Escape keeps the key.
  const row = page.getByTestId("key-row").filter({ hasText: "first key" });
  await row.getByRole("button", { name: "Revoke key first key" }).click();
  const dialog = page.getByRole("dialog", { name: "Revoke “first key”?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Keep it" })).toBeFocused();
  await shoot(page, "keys-revoke-dialog");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(row).toContainText("active");
  expect((await page.request.get("/videos", { headers: { "X-API-Key": key } })).status()).toBe(200);

  await row.getByRole("button", { name: "Revoke key first key" }).click();
  await dialog.getByRole("button", { name: "Revoke key" }).click();
  await expect(row).toContainText("revoked");
  await expect(page.getByTestId("new-key")).toHaveCount(0);
  const refused = await page.request.get("/videos", { headers: { "X-API-Key": key } });
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toEqual({ detail: "Invalid API key" });

  // A second key's quota after three requests (100 an hour per key, reframer contract).
  const other = await createKey(page, "second key");
  for (let i = 0; i < 3; i++) {
    const answer = await page.request.get("/videos", { headers: { "X-API-Key": other } });
    expect(answer.headers()["x-ratelimit-remaining"]).toBe(String(99 - i));
  }
  await page.reload();
  await expect(page.getByTestId("key-row").filter({ hasText: "second key" }).getByTestId("key-quota")).toContainText("97 of 100 left");

  await page.getByTestId("key-row").filter({ hasText: "first key" }).getByRole("button", { name: "Delete key first key" }).click();
  await expect(page.getByTestId("key-row").filter({ hasText: "first key" })).toHaveCount(0);
  await expect(page.getByTestId("key-row")).toHaveCount(1);
  await shoot(page, "keys-list");
});

test("admin console: filters, sort and pagination; a job's page with cancel, retry, delete; promote, demote, disable; system; 403 for others", async ({ browser }) => {
  test.setTimeout(240_000);
  const admin = await adminPage(browser);
  const alice = await newUser(browser, "console-alice");
  const bob = await newUser(browser, "console-bob");
  const aliceKey = await createKey(alice.page, "alice key");

  // 21 jobs of Alice's that fail at once (no such file), a one-second clip of Bob's that completes.
  const made: string[] = [];
  for (let i = 0; i < 21; i++) {
    const response = await alice.page.request.post("/jobs/?job_type=ingest", { data: { video_name: `missing-${i}.mp4` }, headers: { "X-API-Key": aliceKey } });
    expect(response.status()).toBe(202);
    made.push((await response.json()).id);
  }
  const bobs = await (await bob.page.request.post("/jobs/?job_type=generate_clip", { data: { video_name: "pattern.mp4", start: 0, end: 1, height: 144 } })).json();
  await expect.poll(async () => (await (await bob.page.request.get(`/jobs/${bobs.id}`)).json()).status, { timeout: 60_000 }).toBe("completed");
  await expect.poll(async () => (await (await alice.page.request.get(`/jobs/${made[20]}`, { headers: { "X-API-Key": aliceKey } })).json()).status, { timeout: 60_000 }).toBe("failed");

  // Filters from the form: kind, status, owner; the URL holds them.
  await admin.goto("/admin");
  const filters = admin.getByRole("form", { name: "Filter jobs" });
  await filters.getByLabel("Kind").selectOption("ingest");
  await filters.getByLabel("Status").selectOption("failed");
  await filters.getByLabel("Owner").fill(alice.email);
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(admin).toHaveURL(/kind=ingest/);
  await expect(admin.getByTestId("admin-jobs-count")).toHaveText(/^21 jobs · showing 1-20 · page 1 of 2$/);
  const rows = admin.getByTestId("admin-job-row");
  await expect(rows).toHaveCount(20);
  for (const owner of await admin.getByTestId("admin-job-owner").allTextContents()) expect(owner).toBe(alice.email);
  await shoot(admin, "admin-jobs");
  await admin.getByRole("navigation", { name: "Pages of jobs" }).getByRole("link", { name: "Next →" }).click();
  await expect(admin).toHaveURL(/page=2/);
  await expect(rows).toHaveCount(1);

  // Sort: oldest first puts Alice's first job on top.
  await admin.goto(`/admin?owner=${encodeURIComponent(alice.email)}&sort=created&dir=asc`);
  await expect(rows.first().getByRole("link", { name: `Job ${made[0]}` })).toBeVisible();
  await admin.getByRole("link", { name: /^Sort by Created/ }).click();
  await expect(admin).toHaveURL(/dir=desc/);
  await expect(rows.first().getByRole("link", { name: `Job ${made[20]}` })).toBeVisible();
  // Owner sort and kind filter together: Bob's clip job; dates: none tomorrow, all today.
  await admin.goto("/admin?kind=generate_clip&sort=owner&dir=asc");
  await expect(admin.getByTestId("admin-job-owner").filter({ hasText: bob.email })).toHaveCount(1);
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await admin.goto(`/admin?owner=${encodeURIComponent(alice.email)}&from=${tomorrow}`);
  await expect(admin.getByTestId("admin-jobs-count")).toHaveText(/^0 jobs/);
  await admin.goto(`/admin?owner=${encodeURIComponent(alice.email)}&from=${today}&to=${today}`);
  await expect(admin.getByTestId("admin-jobs-count")).toHaveText(/^21 jobs/);

  // A job's page: log, payload and result; run again, then delete the new run.
  await admin.goto(`/admin?owner=${encodeURIComponent(bob.email)}`);
  await admin.getByRole("link", { name: `Job ${bobs.id}` }).click();
  await expect(admin.getByTestId("admin-job-page")).toBeVisible();
  await expect(admin.getByTestId("admin-job-log")).toContainText("Completed generate_clip");
  await expect(admin.getByTestId("admin-job-payload")).toContainText('"video_name": "pattern.mp4"');
  await expect(admin.getByTestId("admin-job-result")).not.toHaveText("none yet");
  await shoot(admin, "admin-job");
  await admin.getByRole("button", { name: "Run again…" }).click();
  await admin.getByRole("button", { name: "Start the new run" }).click();
  await expect(admin).not.toHaveURL(new RegExp(bobs.id));
  const rerun = admin.url().split("/").pop()!;
  await expect(admin.getByTestId("admin-job-log")).toContainText(`Re-run of job ${bobs.id}`);
  await expect(admin.getByText(bob.email)).toBeVisible(); // still Bob's job
  await admin.getByRole("button", { name: "Delete", exact: true }).click();
  await admin.getByRole("dialog").getByRole("button", { name: "Delete job and files" }).click();
  await expect(admin).toHaveURL(/\/admin$/);
  expect((await bob.page.request.get(`/jobs/${rerun}`)).status()).toBe(404);

  // Cancel from the admin page: a render of Alice's whole vtest copy runs long enough to be caught.
  if (fs.existsSync(path.join(e2eVideoDir, "vtest.mp4"))) {
    const long = await (await alice.page.request.post("/jobs/?job_type=render", { data: { video_name: "vtest.mp4", height: 720 }, headers: { "X-API-Key": aliceKey } })).json();
    await admin.goto(`/admin/jobs/${long.id}`);
    await admin.getByRole("button", { name: "Cancel job" }).click();
    await expect(admin.getByTestId("controls-status")).toHaveText("cancelled");
    expect((await (await alice.page.request.get(`/jobs/${long.id}`, { headers: { "X-API-Key": aliceKey } })).json()).status).toBe("cancelled");
    await expect.poll(async () => (await (await admin.request.get("/health/diagnostics")).json()).orchestration.running, { timeout: 20_000 }).toBe(0);
  }

  // Users: promote and demote Bob, disable Alice (her key is refused, her session ends), enable her again.
  await admin.goto("/admin/users");
  const bobRow = admin.locator(`[data-testid="admin-user-row"][data-email="${bob.email}"]`);
  await bobRow.getByRole("button", { name: `Promote ${bob.email} to admin` }).click();
  await expect(bobRow.getByTestId("admin-user-role")).toHaveText("admin");
  await bob.page.goto("/admin/users");
  await expect(bob.page.getByTestId("admin-users-page")).toBeVisible();
  await bobRow.getByRole("button", { name: `Demote ${bob.email} to user` }).click();
  await expect(bobRow.getByTestId("admin-user-role")).toHaveText("user");

  const aliceRow = admin.locator(`[data-testid="admin-user-row"][data-email="${alice.email}"]`);
  await aliceRow.getByRole("button", { name: `Disable ${alice.email}` }).click();
  await expect(aliceRow.getByTestId("admin-user-state")).toHaveText("disabled");
  await shoot(admin, "admin-users");
  const refused = await alice.page.request.get("/videos", { headers: { "X-API-Key": aliceKey } });
  expect(refused.status()).toBe(403);
  expect(await refused.json()).toEqual({ detail: "Account is disabled" });
  await alice.page.goto("/keys");
  await expect(alice.page).toHaveURL(/\/sign-in/);
  await alice.page.getByLabel("Email").fill(alice.email);
  await alice.page.getByLabel("Password").fill(alice.password);
  await alice.page.getByRole("button", { name: "Sign in" }).click();
  await expect(alice.page.getByText("Wrong email or password")).toBeVisible();
  await aliceRow.getByRole("button", { name: `Enable ${alice.email}` }).click();
  await expect(aliceRow.getByTestId("admin-user-state")).toHaveText("active");
  expect((await alice.page.request.get("/videos", { headers: { "X-API-Key": aliceKey } })).status()).toBe(200);

  // System: workers with each model's provider, the engine, storage, links.
  await expect(async () => {
    await admin.goto("/admin/system");
    await expect(admin.getByTestId("system-model-provider").first()).toHaveText(/^(cpu|cuda)$/, { timeout: 2_000 });
  }).toPass({ timeout: 90_000 });
  await expect(admin.getByTestId("system-engine")).toContainText(/local engine · accepting work/);
  await expect(admin.getByTestId("system-storage")).toHaveText(/^\d+(\.\d)? (B|KB|MB|GB) in \d+ files$/);
  await expect(admin.getByRole("link", { name: "Feature review" }).first()).toHaveAttribute("href", "/admin/features");
  await shoot(admin, "admin-system");

  // Everyone else gets the styled 403.
  for (const url of ["/admin", "/admin/users", "/admin/system", `/admin/jobs/${bobs.id}`]) {
    const response = await bob.page.goto(url);
    expect(response?.status(), url).toBe(403);
    await expect(bob.page.getByTestId("forbidden")).toBeVisible();
  }
  await shoot(bob.page, "admin-forbidden");
});

test("no page logs a console error: every main page, signed out, signed in and as admin, a running and a finished job", async ({ browser }) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  /** Console errors and uncaught exceptions of a page, each named with the URL it came from. */
  const watch = (page: Page) => {
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
  };
  const visit = async (page: Page, url: string) => {
    await page.goto(url);
    await page.waitForLoadState("networkidle").catch(() => undefined);
    // Hydration problems surface once React has attached: give it a moment after the load.
    await page.waitForTimeout(500);
  };

  const anonymous = await (await browser.newContext({ viewport: phone })).newPage();
  watch(anonymous);
  for (const url of ["/", "/sign-in", "/sign-up", "/analyses/new", "/docs"]) await visit(anonymous, url);
  // A signed-out browser's own analysis: its "this browser" list and its page with the controls;
  // the same page from another browser, without them.
  const anonymousJob = (await (await anonymous.request.post("/api/jobs/start", { form: { tripId: "console anonymous", videoName: "pattern.mp4" }, maxRetries: 2 })).json()).job_id as string;
  for (const url of ["/analyses", `/analyses/${anonymousJob}`]) await visit(anonymous, url);
  await expect(anonymous.getByRole("button", { name: "Delete" })).toBeVisible();
  const otherBrowser = await (await browser.newContext({ viewport: desktop })).newPage();
  watch(otherBrowser);
  for (const url of ["/analyses", `/analyses/${anonymousJob}`]) await visit(otherBrowser, url);
  await expect(otherBrowser.getByTestId("controls-not-yours")).toBeVisible();

  const { page } = await newUser(browser, "console-errors");
  watch(page);
  // A running job's page (the clock and the live connection render there) and a finished one's.
  const long = fs.existsSync(path.join(e2eVideoDir, "vtest.mp4")) ? "vtest.mp4" : "pattern.mp4";
  const running = (await (await page.request.post("/api/jobs/start", { form: { tripId: "console running", videoName: long }, maxRetries: 2 })).json()).job_id as string;
  await expect.poll(async () => (await (await page.request.get(`/api/jobs/${running}`)).json()).processed, { timeout: 90_000 }).toBeGreaterThan(0);
  await visit(page, `/analyses/${running}`);
  await expect(page.getByTestId("controls-status")).toHaveText("in progress");
  for (const size of [phone, desktop]) {
    await page.setViewportSize(size);
    await page.reload();
    await page.waitForTimeout(1500);
  }
  await page.getByRole("button", { name: "Cancel job" }).click();
  await expect(page.getByTestId("controls-status")).toHaveText("cancelled");
  const finished = (await (await page.request.post("/api/jobs/start", { form: { tripId: "console finished", videoName: "pattern.mp4" }, maxRetries: 2 })).json()).job_id as string;
  await expect.poll(async () => (await (await page.request.get(`/api/jobs/${finished}`)).json()).done, { timeout: 180_000 }).toBe(true);
  for (const url of ["/", "/analyses", "/analyses/new", `/analyses/${finished}`, `/analyses/${running}`, "/review", "/search?q=person", "/keys", "/account/password", "/enhancement", "/new", "/reframes/new", "/features/new", "/transcripts/new", "/docs"]) await visit(page, url);

  const admin = await adminPage(browser);
  watch(admin);
  for (const url of ["/admin", "/admin/users", "/admin/system", "/admin/features", `/admin/jobs/${finished}`, "/analyses/new"]) await visit(admin, url);

  expect(errors).toEqual([]);
});
