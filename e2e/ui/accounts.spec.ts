import { expect, test } from "@playwright/test";
import { signUp } from "./helpers";

// A person's first visit: an account, a key used and revoked, and the admin page refused.

test("sign up, sign in, create and use a key, revoke it, sign out; admins only on /admin", async ({ browser, page, request }) => {
  const stamp = Date.now();
  // The first browser sign-up of a fresh server is its admin (POST /register never makes one):
  // take that place, if no earlier spec did, so that the next account is a plain user.
  const first = await browser.newContext();
  await signUp(await first.newPage(), `first-${stamp}@example.com`, "a long enough password");
  await first.close();

  const email = `person-${stamp}@example.com`;
  const password = "a long enough password";
  await signUp(page, email, password);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("wrong password!");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong email or password")).toBeVisible();
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);

  await page.goto("/keys");
  await page.getByLabel("Key name").fill("e2e key");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-key-value").textContent())!.trim();
  expect(key).toMatch(/^vr_[0-9a-f]{32}$/);
  await page.screenshot({ path: "test-results/screenshots/api-keys.png", fullPage: true });

  // Seen once: a reload shows only its prefix.
  await page.reload();
  await expect(page.getByTestId("new-key")).toHaveCount(0);
  await expect(page.getByTestId("keys-table")).toContainText(key.slice(0, 7));
  await expect(page.getByTestId("keys-table")).not.toContainText(key);

  const used = await request.get("/videos", { headers: { "X-API-Key": key } });
  expect(used.status()).toBe(200);

  await page.getByTestId("key-row").filter({ hasText: "e2e key" }).getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByTestId("key-row").filter({ hasText: "e2e key" })).toContainText("revoked");
  const refused = await request.get("/videos", { headers: { "X-API-Key": key } });
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toEqual({ detail: "Invalid API key" });

  await page.goto("/admin");
  await expect(page.getByTestId("forbidden")).toBeVisible();
  await expect(page.getByTestId("admin-page")).toHaveCount(0);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.screenshot({ path: "test-results/screenshots/sign-in.png", fullPage: true });
  await page.goto("/keys");
  await expect(page).toHaveURL(/\/sign-in/);
});
