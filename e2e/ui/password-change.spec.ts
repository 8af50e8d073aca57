import { expect, test } from "@playwright/test";
import WebSocket from "ws";
import { signUp } from "./helpers";

// Issue 24, item 2: a password change ends every other session of the account and its sockets
// at once; the browser that changed it stays signed in with a fresh session.

test("changing the password ends the other sessions and their WebSockets; this browser stays signed in", async ({ browser, page, baseURL }) => {
  const email = `password-${Date.now()}@example.com`;
  await signUp(page, email, "the first password");

  // Another browser signed in as the same person: its cookie, and a socket opened with it.
  const other = await browser.newContext();
  await other.addCookies(await page.context().cookies());
  const otherPage = await other.newPage();
  await otherPage.goto("/keys");
  await expect(otherPage.getByRole("heading", { name: "API keys" })).toBeVisible();
  const oldCookie = (await other.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const socket = new WebSocket(`${baseURL!.replace("http", "ws")}/ws/password-${Date.now()}`, { headers: { Cookie: oldCookie } });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));

  await page.goto("/keys");
  await page.getByRole("link", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/account\/password$/);
  await page.getByLabel("Current password").fill("not the password");
  await page.getByLabel("New password", { exact: true }).fill("the second password");
  await page.getByLabel("Repeat the new password").fill("the second password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Current password is wrong")).toBeVisible();

  await page.getByLabel("Current password").fill("the first password");
  await page.getByLabel("New password", { exact: true }).fill("the second password");
  await page.getByLabel("Repeat the new password").fill("the second password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("password-changed")).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);

  // The socket opened with the old session closes within seconds, and the old cookie opens nothing.
  const code = await Promise.race([closed, new Promise<string>((resolve) => setTimeout(() => resolve("still open"), 5000))]);
  expect(code).not.toBe("still open");
  await otherPage.goto("/keys");
  await expect(otherPage).toHaveURL(/\/sign-in/);
  const direct = await other.request.get("/keys", { maxRedirects: 0 });
  expect(direct.status()).toBeGreaterThanOrEqual(300);
  expect(direct.status()).toBeLessThan(400);
  await other.close();

  // The new password signs in; the old one does not.
  const fresh = await browser.newContext();
  const freshPage = await fresh.newPage();
  await freshPage.goto("/sign-in");
  await freshPage.getByLabel("Email").fill(email);
  await freshPage.getByLabel("Password").fill("the first password");
  await freshPage.getByRole("button", { name: "Sign in" }).click();
  await expect(freshPage.getByText("Wrong email or password")).toBeVisible();
  await freshPage.getByLabel("Password").fill("the second password");
  await freshPage.getByRole("button", { name: "Sign in" }).click();
  await expect(freshPage.getByTestId("signed-in-as")).toHaveText(email);
  await fresh.close();
});
