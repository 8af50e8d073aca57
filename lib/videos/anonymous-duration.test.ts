import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { anonymousCaller } from "@/lib/jobs/caller";
import { makeTempDir, removeDir } from "@/lib/media/test-media";
import { maxDurationFor, registerUpload } from "./register-video";

// The anonymous callers' video length cap (issue 24 item 2), on a real 40-second file made here.

let dir: string;
let video: string;
const saved = { ...process.env };

beforeAll(async () => {
  dir = await makeTempDir();
  video = path.join(dir, "long.mp4");
  execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=1:duration=40", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", video]);
  Object.assign(process.env, { ANONYMOUS_MAX_VIDEO_MINUTES: "0.5" });
  resetEnvForTests();
});

afterAll(async () => {
  process.env = saved;
  resetEnvForTests();
  await removeDir(dir);
});

describe("ANONYMOUS_MAX_VIDEO_MINUTES", () => {
  it("refuses an anonymous caller's longer video with a bad request before it is stored, and removes the upload", async () => {
    const upload = path.join(dir, "upload.mp4");
    fs.copyFileSync(video, upload);
    // The refusal comes before any database write: a database that is touched would throw.
    const untouchable = new Proxy({}, { get: () => { throw new Error("database touched"); } }) as Db;
    await expect(
      registerUpload(untouchable, anonymousCaller, { field: "file", filename: "long.mp4", path: upload, size: 1, sha256: "", mimeType: "video/mp4" }),
    ).rejects.toMatchObject({ kind: "bad_request", message: "Video is too long (40 s, maximum 30 s without an API key)" });
    expect(fs.existsSync(upload)).toBe(false);
  });

  it("applies to anonymous callers only", () => {
    expect(maxDurationFor(anonymousCaller)).toBe(30);
    expect(maxDurationFor({ user: { id: "u" }, isAdmin: false })).toBeUndefined();
  });
});
