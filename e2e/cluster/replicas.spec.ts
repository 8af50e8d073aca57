import { expect, test, type APIRequestContext } from "@playwright/test";
import WebSocket from "ws";
import { registerKey, startServerAnalysis, waitForAnalysis, withKey } from "../api/keys";
import { parts } from "./parts";

/**
 * Two web replicas on one PostgreSQL behave as one server: a job started through replica A is
 * heard live on a WebSocket to replica B (the step ran on whichever replica the Inngest server
 * called), its results read the same through either, and another account sees none of it on
 * either replica.
 */

type Message = { type: string; job?: { id: string; status: string; processed: number; total: number } };

function listen(url: string, apiKey: string) {
  const messages: Message[] = [];
  const socket = new WebSocket(url, { headers: withKey(apiKey) });
  socket.on("message", (data) => messages.push(JSON.parse(String(data)) as Message));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("unexpected-response", (_request, response) => reject(new Error(`socket refused: ${response.statusCode}`)));
    socket.once("error", reject);
  });
  return { messages, opened, close: () => socket.close() };
}

async function json<T>(request: APIRequestContext, url: string, apiKey: string, status = 200): Promise<T> {
  const response = await request.get(url, { headers: withKey(apiKey) });
  expect(response.status(), `${url}: ${await response.text()}`).toBe(status);
  return (await response.json()) as T;
}

test("a job started on replica A is heard live on replica B, and reads the same on both", async ({ playwright }) => {
  const [webA, webB] = parts().web;
  const a = await playwright.request.newContext({ baseURL: webA });
  const b = await playwright.request.newContext({ baseURL: webB });
  const key = await registerKey(a, "cluster-live");

  const started = await startServerAnalysis(a, key, { tripId: "CLUSTER-1", videoName: "vtest-12s.mp4", options: { fps: 5 } });
  expect(started.status(), await started.text()).toBe(200);
  const { job_id: jobId } = (await started.json()) as { job_id: string };

  const socket = listen(`${webB.replace("http", "ws")}/ws/jobs/${jobId}`, key);
  await socket.opened;
  await waitForAnalysis(b, key, jobId, 240_000);
  // The last word on the socket to B is the job's completion; progress came before it.
  await expect.poll(() => socket.messages.some((m) => m.type === "job" && m.job?.status === "completed"), { timeout: 15_000 }).toBe(true);
  const progress = socket.messages.filter((m) => m.type === "job" && m.job?.status === "in_progress" && m.job.processed > 0);
  expect(progress.length).toBeGreaterThan(0);
  socket.close();

  const throughA = await json<unknown>(a, `/api/jobs/${jobId}`, key);
  const throughB = await json<unknown>(b, `/api/jobs/${jobId}`, key);
  expect(throughB).toEqual(throughA);
});

test("two accounts see only their own work, whichever replica they ask", async ({ playwright }) => {
  const [webA, webB] = parts().web;
  const a = await playwright.request.newContext({ baseURL: webA });
  const b = await playwright.request.newContext({ baseURL: webB });
  const owner = await registerKey(a, "cluster-owner");
  const stranger = await registerKey(b, "cluster-stranger");

  const started = await startServerAnalysis(a, owner, { tripId: "CLUSTER-2", videoName: "pattern.mp4", options: {} });
  expect(started.status()).toBe(200);
  const { job_id: jobId } = (await started.json()) as { job_id: string };
  for (const request of [a, b]) {
    expect(await json(request, `/api/jobs/${jobId}`, stranger, 404)).toEqual({ detail: "invalid_job" });
    await json(request, `/api/jobs/${jobId}`, owner);
  }
  await expect(listen(`${webB.replace("http", "ws")}/ws/jobs/${jobId}`, stranger).opened).rejects.toThrow("404");
  await waitForAnalysis(b, owner, jobId, 120_000);
});
