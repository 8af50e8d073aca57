import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { publicMessage } from "./public-message";

afterEach(() => {
  delete process.env.DATA_DIR;
  delete process.env.VIDEO_INPUT_DIR;
  resetEnvForTests();
});

describe("publicMessage", () => {
  it("names files relative to the data and video folders, and others by their file name", () => {
    Object.assign(process.env, { DATA_DIR: "/srv/framewise/data", VIDEO_INPUT_DIR: "/mnt/cabin videos" });
    resetEnvForTests();
    expect(publicMessage("ffmpeg exited with code 1: /srv/framewise/data/jobs/j1/media/render.mp4.part: No space left on device")).toBe(
      "ffmpeg exited with code 1: jobs/j1/media/render.mp4.part: No space left on device",
    );
    expect(publicMessage("/mnt/cabin videos/Trip 7.mp4: Invalid data found when processing input")).toBe("Trip 7.mp4: Invalid data found when processing input");
    expect(publicMessage("Error opening input file /home/ops/secret/x.mov.")).toBe("Error opening input file x.mov.");
    expect(publicMessage(`cannot open '${path.join("/etc", "passwd")}'`)).toBe("cannot open 'passwd'");
    expect(publicMessage("ffmpeg exited with code 1: file:/opt/in/broken.mp4: Invalid data found")).toBe("ffmpeg exited with code 1: file:broken.mp4: Invalid data found");
  });

  it("keeps what is not a path: URLs, ratios, sizes", () => {
    const text = "Chunk 1/3 (0-30 s): 12/50 frames from http://127.0.0.1:9000/v1/analyze at 640x480";
    expect(publicMessage(text)).toBe(text);
  });

  it("turns SQL into one sentence and drops stack frames", () => {
    expect(publicMessage('Failed query: select "id" from "jobs" where "jobs"."id" = $1\nparams: abc')).toBe("A database query failed");
    expect(publicMessage("boom\n    at run (/app/lib/x.ts:1:2)\n    at node:internal/process/task_queues:95:5")).toBe("boom");
  });

  it("caps long stderr", () => {
    expect(publicMessage("x".repeat(5000)).length).toBe(1000);
  });
});
