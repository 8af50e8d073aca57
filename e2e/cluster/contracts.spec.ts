import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import WebSocket from "ws";
import { registerKey, withKey } from "../api/keys";
import { e2eVideoDir } from "../global-setup";

/**
 * One flow of each other contract through the front, so that the upload, the job's steps (run
 * by the Inngest server calling whichever replica), the polling and the files all cross
 * replicas: the reframer's /process, an editor job, the enhance/metadata upload with its
 * WebSocket, and a feature-extraction job.
 */

const pattern = () => ({ name: "pattern.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(path.join(e2eVideoDir, "pattern.mp4")) });

async function pollJson<T>(request: APIRequestContext, url: string, done: (body: T) => boolean, headers: Record<string, string> = {}, timeout = 180_000): Promise<T> {
  let last: T | undefined;
  await expect
    .poll(
      async () => {
        const response = await request.get(url, { headers });
        expect(response.status(), `${url}: ${await response.text()}`).toBe(200);
        last = (await response.json()) as T;
        return done(last);
      },
      { timeout, intervals: [500, 1000] },
    )
    .toBe(true);
  return last!;
}

test("reframer: POST /process, GET /job to completed, GET /results", async ({ request }) => {
  const key = await registerKey(request, "cluster-reframer");
  const created = await request.post("/process", { headers: withKey(key), multipart: { file: pattern(), aspect: "9:16" } });
  expect(created.status(), await created.text()).toBe(200);
  const { job_id: jobId } = (await created.json()) as { job_id: string };
  const job = await pollJson<{ status: string }>(request, `/job/${jobId}`, (j) => j.status === "completed" || j.status === "failed", withKey(key));
  expect(job.status).toBe("completed");
  const results = await request.get(`/results/${jobId}`, { headers: withKey(key) });
  expect(results.status()).toBe(200);
  expect(((await results.json()) as { metadata: { width: number } }).metadata.width).toBe(640);
});

test("editor jobs: an ingest job runs to completion", async ({ request }) => {
  const created = await request.post("/jobs/?job_type=ingest&priority=5", { data: { video_name: "pattern.mp4" } });
  expect(created.status(), await created.text()).toBe(202);
  const { id } = (await created.json()) as { id: string };
  const job = await pollJson<{ status: string; completed_at: string | null; error_message: string | null }>(request, `/jobs/${id}`, (j) => j.completed_at !== null || j.error_message !== null);
  expect(job).toMatchObject({ status: "completed", error_message: null });
});

test("enhance/metadata: the upload's two processes are heard to completion on the socket", async ({ request, baseURL }) => {
  const clientId = `cluster-enhance-${Date.now()}`;
  const messages: { type: string; file_id?: string; process_type?: string; status?: string }[] = [];
  const socket = new WebSocket(`${baseURL!.replace("http", "ws")}/ws/${clientId}`);
  socket.on("message", (data) => messages.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));

  const uploaded = await request.post("/upload", { multipart: { file: pattern(), client_id: clientId } });
  expect(uploaded.status(), await uploaded.text()).toBe(200);
  const { file_id: fileId } = (await uploaded.json()) as { file_id: string };
  const last = (type: string) => messages.filter((m) => m.type === "status_update" && m.file_id === fileId && m.process_type === type).at(-1)?.status;
  await expect.poll(() => [last("video_enhancement"), last("metadata_extraction")], { timeout: 180_000, intervals: [500] }).toEqual(["completed", "completed"]);
  socket.close();
});

test("feature extraction: a job over a server video reaches completed with frames", async ({ request }) => {
  const created = await request.post("/jobs/?job_type=extract_features", { data: { videos: [{ video_name: "pattern.mp4" }], fps: 1, features: ["embedding"] } });
  expect(created.status(), await created.text()).toBe(202);
  const { id } = (await created.json()) as { id: string };
  const status = await pollJson<{ phase: string }>(request, `/status/${id}`, (s) => s.phase === "completed" || s.phase === "failed");
  expect(status.phase).toBe("completed");
  const frames = await request.get(`/jobs/${id}/features/video-frames?has=embedding`);
  expect(frames.status()).toBe(200);
  expect(((await frames.json()) as { total: number }).total).toBeGreaterThan(0);
});
