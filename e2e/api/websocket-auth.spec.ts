import { expect, test } from "@playwright/test";
import WebSocket from "ws";

// /ws/jobs/{id} for a job someone owns: their session cookie (or an API key) opens it; nobody
// else does. Anonymous jobs are reachable by id alone (covered in foundation.spec.ts).

function connect(url: string, headers: Record<string, string> = {}): Promise<{ status: number; hello?: unknown }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.once("unexpected-response", (_request, response) => resolve({ status: response.statusCode ?? 0 }));
    socket.once("message", (data) => {
      resolve({ status: 101, hello: JSON.parse(String(data)) });
      socket.close();
    });
    socket.once("error", () => resolve({ status: -1 }));
  });
}

test("a signed-in owner watches their job live; strangers are refused", async ({ page, baseURL }) => {
  const email = `ws-${Date.now()}@example.com`;
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);

  // Started with the browser's session: the job belongs to this account.
  const started = await page.request.post("/api/jobs/start", { form: { tripId: "WS-1", videoName: "pattern.mp4" } });
  expect(started.status()).toBe(200);
  const { job_id: jobId } = await started.json();
  const url = `${baseURL!.replace("http", "ws")}/ws/jobs/${jobId}`;

  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const owner = await connect(url, { Cookie: cookie });
  expect(owner).toEqual({ status: 101, hello: { type: "connection", status: "connected", job_id: jobId } });

  expect((await connect(url)).status).toBe(404);
  const stranger = await (await page.request.post("/register", { data: { email: `stranger-${Date.now()}@example.com` } })).json();
  expect((await connect(url, { "X-API-Key": stranger.api_key })).status).toBe(404);
  // An unknown key is refused as over HTTP (401), never taken as an anonymous listener.
  expect((await connect(`${url}?api_key=vr_${"0".repeat(32)}`)).status).toBe(401);

  // The owner's job is not someone else's to read over HTTP either.
  const other = await page.request.get(`/api/jobs/${jobId}`, { headers: { "X-API-Key": stranger.api_key } });
  expect(other.status()).toBe(404);
  expect(await other.json()).toEqual({ detail: "invalid_job" });
});
