import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { e2eVideoDir } from "../global-setup";

// Issue 25 item 3 in a real browser: the upload form speaks in plain words (an optional label
// with a hint, a label made from the file's name when none is typed, errors without contract
// field names), the server-video panel of a server that has a video folder, and a home page that
// promises only what the form offers. Screenshots at 1366x900 and 390x844 in .cache/screens/.

const shots = ".cache/screens";
const sizes = [["desktop", { width: 1366, height: 900 }], ["phone", { width: 390, height: 844 }]] as const;
fs.mkdirSync(shots, { recursive: true });

async function shoot(page: Page, name: string) {
  for (const [label, size] of sizes) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${shots}/${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize(sizes[0][1]);
}

/** No contract field name or zod wording reaches a person. */
const jargon = /tripId|cvvrFile|videoName|options\.|Expected|Invalid options|is required/;

test("home page promises only what the analysis form offers", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByText("Masks, poses, faces, text")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Your scene, your rules" })).toBeVisible();
  // Each rule the card names is a choice in the form.
  await page.goto("/analyses/new");
  await page.getByText("Analysis options").first().click();
  for (const rule of ["Person present", "Phone use", "Eating or drinking", "Person entering", "Person leaving"]) {
    await expect(page.getByTestId("upload-options").getByText(rule, { exact: true }).first()).toBeVisible();
  }
  await expect(page.getByTestId("upload-options").getByLabel("Scene")).toBeVisible();
  await page.goto("/");
  await shoot(page, "home");
});

test("upload form: an optional label with a hint, made from the file name when left empty", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/analyses/new");
  const label = page.locator("#upload-label");
  await expect(label).toHaveAttribute("aria-describedby", "upload-label-hint");
  await expect(page.locator("#upload-label-hint")).toContainText("Left empty, the video's name is used");
  await expect(page.getByText("Trip id")).toHaveCount(0);

  // No file: the form says what to do, in words.
  await page.getByRole("button", { name: "Upload and analyse" }).click();
  await expect(page.getByTestId("upload-error")).toHaveText("Choose a video first");

  await page.getByTestId("file-input").setInputFiles(path.join(e2eVideoDir, "pattern.mp4"));
  await expect(label).toHaveAttribute("placeholder", "pattern");
  await shoot(page, "upload-label");
  await page.getByRole("button", { name: "Upload and analyse" }).click();
  await expect(page).toHaveURL(/\/analyses\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  const id = page.url().split("/").pop()!;
  await expect(page.getByText("Analyses / pattern")).toBeVisible();
  const results = await (await page.request.get(`/api/jobs/${id}/results?page=1&page_size=1`)).json();
  expect(results.trip_id).toBe("pattern");
});

test("upload form: a file the server refuses gets an error in words", async ({ page }, testInfo) => {
  const fake = testInfo.outputPath("notes.mp4");
  fs.writeFileSync(fake, "these are notes, not a video\n".repeat(50));
  await page.goto("/analyses/new");
  await page.getByTestId("file-input").setInputFiles(fake);
  await page.locator("#upload-label").fill("Cabin camera 2");
  await page.getByRole("button", { name: "Upload and analyse" }).click();
  const error = page.getByTestId("upload-error");
  await expect(error).toBeVisible({ timeout: 30_000 });
  await expect(error).not.toHaveText(jargon);
  await expect(error).toHaveText(/not a video|Unsupported video type|corrupt/);
  await shoot(page, "upload-error");
});

test("server videos (VIDEO_INPUT_DIR is set on this server): pick one, the label comes from its name", async ({ page }) => {
  await page.goto("/analyses/new");
  await expect(page.getByTestId("server-videos-note")).toHaveCount(0);
  const select = page.getByTestId("server-video-select");
  await expect(select).toContainText("pattern.mp4");
  const start = page.getByRole("button", { name: "Analyse this video" });
  await expect(start).toBeDisabled();
  await select.selectOption("pattern.mp4");
  await expect(page.locator("#server-label")).toHaveAttribute("placeholder", "pattern");
  await page.locator("#server-label").fill("Depot camera");
  await start.click();
  await expect(page).toHaveURL(/\/analyses\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  await expect(page.getByText("Analyses / Depot camera")).toBeVisible();
});
