import { describe, expect, it } from "vitest";
import { openCv } from "@/lib/media/opencv";

describe("openCv", () => {
  it("loads without leaving Emscripten's process-wide abort handlers behind", async () => {
    const before = process.listenerCount("unhandledRejection") + process.listenerCount("uncaughtException");
    const cv = await openCv();
    expect(typeof cv.grabCut).toBe("function");
    expect(process.listenerCount("unhandledRejection") + process.listenerCount("uncaughtException")).toBe(before);
  });
});
