import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { probeVideo } from "./probe";
import { escapeFilterValue, takeSnapshot } from "./snapshot";
import { VTEST_AVI } from "./test-media";
import { describeMedia, useTempDir } from "./test-setup";

const temp = useTempDir();

async function jpegSize(file: string): Promise<{ width: number; height: number }> {
  const data = await readFile(file);
  expect([data[0], data[1]]).toEqual([0xff, 0xd8]);
  const probe = await probeVideo(file);
  return { width: probe.width, height: probe.height };
}

describeMedia("takeSnapshot", () => {
  it("writes a JPEG of the frame at a timestamp", async () => {
    const output = path.join(temp.path, "snap", "plain.jpg");
    await takeSnapshot({ input: VTEST_AVI, at: 12.3, output });
    expect(await jpegSize(output)).toEqual({ width: 768, height: 576 });
  });

  it("draws boxes and labels, with characters that need filter escaping", async () => {
    const plain = path.join(temp.path, "snap", "plain2.jpg");
    const annotated = path.join(temp.path, "snap", "annotated.jpg");
    await takeSnapshot({ input: VTEST_AVI, at: 12.3, output: plain });
    await takeSnapshot({
      input: VTEST_AVI,
      at: 12.3,
      output: annotated,
      width: 384,
      boxes: [
        { x: 100, y: 100, width: 80, height: 160, label: "person 0.91 it's a:test, [x];%{pts}\\" },
        { x: 400, y: 2, width: 50, height: 50, label: "car", color: "#ff8800" },
        { x: 10, y: 10, width: 20, height: 20, color: "red;drawbox" },
      ],
    });
    expect(await jpegSize(annotated)).toEqual({ width: 384, height: 288 });
    expect((await readFile(annotated)).equals(await readFile(plain))).toBe(false);
  });

  it("says so when there is no frame at that time", async () => {
    await expect(takeSnapshot({ input: VTEST_AVI, at: 500, output: path.join(temp.path, "snap", "late.jpg") })).rejects.toMatchObject({
      kind: "bad_request",
      message: "No frame at 500 s",
    });
  });
});

describe("escapeFilterValue", () => {
  it("escapes for the option and the graph level", () => {
    expect(escapeFilterValue("a:b")).toBe("a\\\\:b");
    expect(escapeFilterValue("it's")).toBe("it\\\\\\'s");
    expect(escapeFilterValue("a,b;[c]")).toBe("a\\,b\\;\\[c\\]");
    expect(escapeFilterValue("plain")).toBe("plain");
  });
});
