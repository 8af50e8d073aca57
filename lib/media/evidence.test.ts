import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { makeProxy } from "./clip";
import { makeEvidence } from "./evidence";
import { probeVideo } from "./probe";
import { ffmpegCli, mp4TopLevelBoxes, VTEST_AVI } from "./test-media";
import { describeMedia, useTempDir } from "./test-setup";

const temp = useTempDir();

describeMedia("makeEvidence", () => {
  it("makes plain and annotated snapshots and stream-copied clips for many events in one pass", async () => {
    const cut = path.join(temp.path, "vtest-12s.avi");
    await ffmpegCli(["-i", VTEST_AVI, "-t", "12", "-c", "copy", cut]);
    const proxy = path.join(temp.path, "proxy.mp4");
    await makeProxy({ input: cut, output: proxy, keyframeInterval: 1 });

    const out = (name: string) => path.join(temp.path, "media", name);
    const requests = [
      { at: 2.4, clip: { start: 1, end: 5.5 }, boxes: [{ x: 100, y: 100, width: 60, height: 150, label: "person #1 90%", color: "lime" }] },
      { at: 9.2, clip: { start: 7, end: 12 }, boxes: [] },
    ].map((r, i) => ({ ...r, outputs: { snapshot: out(`e${i}.jpg`), annotated: out(`e${i}-a.jpg`), clip: out(`e${i}.mp4`) } }));
    await makeEvidence(proxy, requests, { frameRate: 10 });

    for (const request of requests) {
      const plain = await readFile(request.outputs.snapshot);
      const annotated = await readFile(request.outputs.annotated);
      expect([...plain.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      expect([...annotated.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      const clip = await probeVideo(request.outputs.clip);
      expect(clip.codec).toBe("h264");
      expect(clip.duration).toBeGreaterThan(request.clip.end - request.clip.start - 0.3);
      expect(clip.duration).toBeLessThan(request.clip.end - request.clip.start + 1.2);
      const boxes = await mp4TopLevelBoxes(request.outputs.clip);
      expect(boxes.indexOf("moov")).toBeLessThan(boxes.indexOf("mdat"));
    }
    // The plain snapshot is exactly the frame at `at`, as a one-frame seek gives it.
    const reference = path.join(temp.path, "reference.jpg");
    await ffmpegCli(["-ss", "9.2", "-i", proxy, "-frames:v", "1", "-q:v", "3", "-f", "mjpeg", reference]);
    expect(Buffer.compare(await readFile(requests[1].outputs.snapshot), await readFile(reference))).toBe(0);
    // Boxes were drawn on the first event's picture only.
    expect(Buffer.compare(await readFile(requests[0].outputs.snapshot), await readFile(requests[0].outputs.annotated))).not.toBe(0);
  });

  it("leaves nothing behind when ffmpeg fails", async () => {
    const target = path.join(temp.path, "fail", "x.jpg");
    await expect(
      makeEvidence(path.join(temp.path, "no-such-proxy.mp4"), [{ at: 1, clip: { start: 0, end: 2 }, boxes: [], outputs: { snapshot: target, annotated: `${target}.a.jpg`, clip: `${target}.mp4` } }]),
    ).rejects.toMatchObject({ kind: "internal" });
    await expect(readFile(target)).rejects.toThrow();
  });
});
