import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { allowedOrigin, e2eDataDir } from "../../playwright.config";
import { listeningPid, postChunked, rssMb } from "../server-process";

/**
 * Uploads at real sizes against the production build (issue 10, items 1 and 2): a 75 MB,
 * five-minute H.264 video goes through `POST /api/jobs` and is analysed; 600 MB streamed at
 * the 500 MB limit is refused with 413 while the server's memory stays flat; a Content-Length
 * over the limit is refused before the body is sent; CORS holds on the upload route.
 */

const LIMIT_MB = 500;
const MB = 1024 * 1024;
const cacheDir = path.resolve(".cache/e2e-uploads");
const bigVideo = path.join(cacheDir, "testsrc2-noise-720p-5min.mp4");
const tmpDir = path.resolve(e2eDataDir, "tmp");

/** A 5-minute 1280x720 H.264 file of about 75 MB (noise keeps the bitrate at its target); made once. */
function ensureBigVideo(): string {
  if (fs.existsSync(bigVideo) && fs.statSync(bigVideo).size >= 60 * MB) return bigVideo;
  fs.mkdirSync(cacheDir, { recursive: true });
  const partial = `${bigVideo}.part.mp4`;
  execFileSync("ffmpeg", [
    "-v", "error", "-y",
    "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=10:duration=300,noise=alls=20:allf=t",
    "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "2000k", "-maxrate", "2000k", "-bufsize", "4000k",
    "-pix_fmt", "yuv420p", "-movflags", "+faststart", partial,
  ]);
  fs.renameSync(partial, bigVideo);
  return bigVideo;
}

function tmpFiles(): string[] {
  if (!fs.existsSync(tmpDir)) return [];
  return fs.readdirSync(tmpDir, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name);
}


test.describe.configure({ mode: "serial" });

test("a 75 MB, 5-minute H.264 upload streams through POST /api/jobs and is analysed", async ({ baseURL }) => {
  test.setTimeout(600_000);
  const file = ensureBigVideo();
  const size = fs.statSync(file).size;
  expect(size).toBeGreaterThanOrEqual(60 * MB);

  const form = new FormData();
  form.set("tripId", "TRIP-BIG");
  form.set("options", JSON.stringify({ fps: 1 }));
  // openAsBlob reads from disk as the body is sent: the test holds no 75 MB buffer either.
  form.set("cvvrFile", await fs.openAsBlob(file, { type: "video/mp4" }), "cabin-5min.mp4");
  const response = await fetch(`${baseURL}/api/jobs`, { method: "POST", body: form, headers: { Origin: allowedOrigin } });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(response.headers.get("access-control-allow-origin")).toBe(allowedOrigin);
  const created = JSON.parse(text) as { job_id: string; progress_url: string };
  expect(created.job_id).toMatch(/^[0-9a-f-]{36}$/);

  let last: { processed: number; total: number; done: boolean; error: string | null } | undefined;
  await expect
    .poll(
      async () => {
        const progress = await fetch(created.progress_url);
        expect(progress.status).toBe(200);
        last = await progress.json();
        return last!.done;
      },
      { timeout: 540_000, intervals: [1000, 2000] },
    )
    .toBe(true);
  expect(last!.error).toBeNull();
  expect(last!.total).toBeGreaterThan(0);
  expect(last!.processed).toBe(last!.total);
  const summary = await (await fetch(`${baseURL}/api/jobs/${created.job_id}`)).json();
  expect(summary).toMatchObject({ job_id: created.job_id, done: true, error: null, percent: 100 });
});

test("600 MB streamed chunked is refused with 413 at the limit while the server's RSS stays flat", async ({ baseURL }) => {
  test.setTimeout(180_000);
  const pid = listeningPid(Number(new URL(baseURL!).port));
  const startRss = rssMb(pid);
  let peakRss = startRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMb(pid));
  }, 50);

  const boundary = "----framewise-600mb";
  const chunk = Buffer.alloc(MB);
  for (let index = 0; index < chunk.length; index++) chunk[index] = (index * 131 + 17) & 0xff;
  let sent = 0;
  // No Content-Length: the only way the server can know is by counting.
  const { request, answer: answering, answered } = postChunked(baseURL!, "/api/jobs", `multipart/form-data; boundary=${boundary}`);
  request.write(`--${boundary}\r\nContent-Disposition: form-data; name="tripId"\r\n\r\nTRIP-600\r\n`);
  request.write(`--${boundary}\r\nContent-Disposition: form-data; name="cvvrFile"; filename="huge.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
  const pump = () => {
    // Generated as it goes, one reused megabyte: never the whole body in memory.
    while (!answered() && sent < 600 * MB) {
      sent += chunk.length;
      if (!request.write(chunk)) return void request.once("drain", pump);
    }
    if (!answered()) request.end(`\r\n--${boundary}--\r\n`);
  };
  pump();
  const answer = await answering;
  clearInterval(sampler);

  test.info().annotations.push({ type: "rss", description: `start ${startRss.toFixed(0)} MB, peak ${peakRss.toFixed(0)} MB; ${(sent / MB).toFixed(0)} MB sent before the answer` });
  expect(answer.status, answer.body).toBe(413);
  expect(JSON.parse(answer.body)).toEqual({ detail: `File size exceeds ${LIMIT_MB}MB limit` });
  expect(answer.headers.connection).toBe("close");
  // Refused at the limit, not after the whole body.
  expect(sent).toBeGreaterThan(LIMIT_MB * MB);
  expect(sent).toBeLessThan(600 * MB);
  expect(peakRss - startRss, `RSS ${startRss.toFixed(0)} -> peak ${peakRss.toFixed(0)} MB`).toBeLessThan(100);
  await expect.poll(tmpFiles, { timeout: 10_000 }).toEqual([]);
});

test("a Content-Length over the limit is refused with 413 before any of the body is sent", async ({ baseURL }) => {
  const { hostname, port } = new URL(baseURL!);
  const started = Date.now();
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(
        `POST /api/jobs HTTP/1.1\r\nHost: ${hostname}:${port}\r\nOrigin: ${allowedOrigin}\r\n` +
          `Content-Type: multipart/form-data; boundary=x\r\nContent-Length: ${600 * MB}\r\n\r\n`,
      );
    });
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (data: string) => (text += data));
    // The server answers and closes: the connection must not hang waiting for 600 MB.
    socket.on("close", () => resolve(text));
    socket.on("error", reject);
    setTimeout(() => reject(new Error(`no close within 10 s; got ${JSON.stringify(text)}`)), 10_000);
  });
  expect(Date.now() - started).toBeLessThan(10_000);
  const [head, body] = reply.split("\r\n\r\n");
  expect(head).toMatch(/^HTTP\/1\.1 413 /);
  expect(head.toLowerCase()).toContain("connection: close");
  expect(head.toLowerCase()).toContain(`access-control-allow-origin: ${allowedOrigin}`);
  expect(JSON.parse(body)).toEqual({ detail: `File size exceeds ${LIMIT_MB}MB limit` });
  expect(tmpFiles()).toEqual([]);
});

test("CORS holds on the upload route: its answers and its preflight", async ({ request }) => {
  const preflight = await request.fetch("/api/jobs", {
    method: "OPTIONS",
    headers: { Origin: allowedOrigin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-api-key,content-type" },
  });
  expect(preflight.status()).toBe(204);
  expect(preflight.headers()["access-control-allow-origin"]).toBe(allowedOrigin);
  expect(preflight.headers()["access-control-allow-methods"]).toContain("POST");
  expect(preflight.headers()["access-control-allow-headers"]).toBe("x-api-key,content-type");

  const refused = await request.post("/api/jobs", { headers: { Origin: allowedOrigin }, multipart: { tripId: "TRIP-CORS" } });
  expect(refused.status()).toBe(400);
  expect(await refused.json()).toEqual({ detail: "cvvrFile is required" });
  expect(refused.headers()["access-control-allow-origin"]).toBe(allowedOrigin);
  expect(refused.headers()["access-control-expose-headers"]).toContain("Content-Range");

  const stranger = await request.post("/api/jobs", { headers: { Origin: "http://evil.example" }, multipart: { tripId: "T" } });
  expect(stranger.headers()["access-control-allow-origin"]).toBeUndefined();
});
