import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { expect, test } from "@playwright/test";
import { s3Bucket, s3Credentials, s3Dir, s3Port } from "../../playwright.s3.config";
import { e2eVideoDir } from "../global-setup";
import { MB, realSizeVideo } from "../real-size-video";
import { postChunked, sampleServerRss, type StreamedAnswer } from "../server-process";

/**
 * What only object storage can show (playwright.s3.config.ts runs the contracts' main flows
 * against a real SeaweedFS first): the data folder holds no media, a 500 MB upload streams into
 * the store with the web process's memory flat, and the store stopped mid-upload is a 503 that
 * leaves no object.
 */
test.describe.configure({ mode: "serial" });

const s3 = new S3Client({ region: "us-east-1", endpoint: `http://127.0.0.1:${s3Port}`, forcePathStyle: true, credentials: s3Credentials });
const serverEnv = { ...process.env, S3_PORT: String(s3Port), S3_DIR: s3Dir, S3_BUCKET: s3Bucket, AWS_ACCESS_KEY_ID: s3Credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3Credentials.secretAccessKey, S3_FRESH: "" };

async function keys(prefix: string): Promise<string[]> {
  const answer = await s3.send(new ListObjectsV2Command({ Bucket: s3Bucket, Prefix: `media/${prefix}` }));
  return (answer.Contents ?? []).map((object) => object.Key!.slice("media/".length));
}

async function openUploads(): Promise<string[]> {
  const answer = await s3.send(new ListMultipartUploadsCommand({ Bucket: s3Bucket, Prefix: "media/uploads/" }));
  return (answer.Uploads ?? []).map((upload) => upload.Key!);
}

/** Every file under `folder`, relative to it. */
function filesUnder(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)));
}

/**
 * Posts `file` to /api/jobs as a chunked multipart body read from disk as it goes; `onSent`
 * hears how many bytes are out (and may stop the store).
 */
async function postVideo(baseURL: string, file: string, onSent: (sent: number) => void = () => undefined): Promise<StreamedAnswer> {
  const boundary = "----framewise-s3";
  const { request, answer, answered } = postChunked(baseURL, "/api/jobs", `multipart/form-data; boundary=${boundary}`);
  request.write(`--${boundary}\r\nContent-Disposition: form-data; name="tripId"\r\n\r\nS3\r\n`);
  request.write(`--${boundary}\r\nContent-Disposition: form-data; name="cvvrFile"; filename="${path.basename(file)}"\r\nContent-Type: video/mp4\r\n\r\n`);
  let sent = 0;
  const source = fs.createReadStream(file, { highWaterMark: MB });
  source.on("data", (chunk) => {
    if (answered()) return source.destroy();
    sent += chunk.length;
    onSent(sent);
    if (!request.write(chunk)) {
      source.pause();
      request.once("drain", () => source.resume());
    }
  });
  source.on("end", () => {
    if (!answered()) request.end(`\r\n--${boundary}--\r\n`);
  });
  return answer;
}

test("object storage: after every contract's flow the data folder holds no media, only its database and keys", async () => {
  const dataDir = process.env.E2E_DATA_DIR!;
  for (const folder of ["uploads", "jobs", "work", "tmp"]) expect(filesUnder(path.join(dataDir, folder)), folder).toEqual([]);
  // The flows before this one left their uploads and media in the store.
  expect((await keys("uploads/")).length).toBeGreaterThanOrEqual(3);
  expect((await keys("jobs/")).some((key) => /^jobs\/[0-9a-f-]{36}\/media\/event-001\.mp4$/.test(key))).toBe(true);
});

test("object storage: a 500 MB upload streams into the store as it arrives while the web process stays flat", async ({ baseURL }) => {
  test.setTimeout(600_000);
  // Six copies of the 80 MB clip back to back, copied without re-encoding: 8 minutes, about 480 MB.
  const { file: clip } = await realSizeVideo();
  const big = path.join(e2eVideoDir, "s3-480mb.mp4");
  if (!fs.existsSync(big)) {
    const list = path.join(e2eVideoDir, "s3-480mb.txt");
    fs.writeFileSync(list, Array.from({ length: 6 }, () => `file '${path.resolve(clip)}'`).join("\n"));
    execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", list, "-c", "copy", "-movflags", "+faststart", `${big}.part.mp4`]);
    fs.renameSync(`${big}.part.mp4`, big);
  }
  const bytes = fs.statSync(big).size;
  expect(bytes).toBeGreaterThan(450 * MB);
  const before = await keys("uploads/");

  const rss = sampleServerRss(baseURL!);
  let seenInStore = false;
  let checking = false;
  const answer = await postVideo(baseURL!, big, (sent) => {
    // Half-way, the store holds the upload's parts: the bytes go there as they arrive.
    if (!seenInStore && !checking && sent > bytes / 2) {
      checking = true;
      void openUploads().then((open) => {
        seenInStore = open.length > 0;
        checking = false;
      });
    }
  });
  const figures = rss.stop();
  test.info().annotations.push({ type: "rss", description: `${figures.text} for ${(bytes / MB).toFixed(0)} MB` });
  console.log(`object storage: ${(bytes / MB).toFixed(0)} MB upload, web process ${figures.text}`);
  // Anonymous callers may send 5 minutes here (ANONYMOUS_MAX_VIDEO_MINUTES in the config): the
  // whole file went to the store, was read back there to validate it, and was refused.
  expect(answer.status, answer.body).toBe(400);
  expect(JSON.parse(answer.body).detail).toMatch(/^Video is too long/);
  expect(seenInStore).toBe(true);
  expect(figures.growth, figures.text).toBeLessThan(100);
  expect(await keys("uploads/")).toEqual(before);
  expect(await openUploads()).toEqual([]);
  expect(filesUnder(path.join(process.env.E2E_DATA_DIR!, "tmp"))).toEqual([]);
});

test("object storage: the store stopped mid-upload is a 503 with a detail, and no object remains once it is back", async ({ baseURL, request }) => {
  test.setTimeout(300_000);
  const { file: clip } = await realSizeVideo();
  const before = await keys("uploads/");
  let stopped = false;
  const answer = await postVideo(baseURL!, clip, (sent) => {
    if (!stopped && sent > 30 * MB) {
      stopped = true;
      execFileSync("bash", ["scripts/s3-server.sh", "stop"], { env: serverEnv });
    }
  });
  expect(answer.status, answer.body).toBe(503);
  expect(JSON.parse(answer.body)).toEqual({ detail: "Media storage is unavailable; try again shortly" });
  // While it is down, health says so.
  expect((await (await request.get("/health")).json()).status).toBe("degraded");

  execFileSync("bash", ["scripts/s3-server.sh", "start"], { env: serverEnv });
  expect((await (await request.get("/health")).json()).status).toBe("ok");
  expect(await keys("uploads/")).toEqual(before);
  expect(filesUnder(path.join(process.env.E2E_DATA_DIR!, "tmp"))).toEqual([]);
  // The same upload goes through once the store is back.
  const again = await postVideo(baseURL!, clip);
  expect(again.status, again.body).toBe(200);
});
