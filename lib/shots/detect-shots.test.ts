import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffmpegCli, makeTempDir, removeDir } from "@/lib/media/test-media";
import { detectShots, findCuts, SCENE_CUTS, scoreFrames, shotsOf } from "./detect-shots";

const frames = (scores: number[], fps = 25) => scores.map((score, i) => ({ time: i / fps, score }));
const times = (cuts: { time: number }[]) => cuts.map((cut) => cut.time);

describe("findCuts and shotsOf", () => {
  it("finds a hard cut and a dissolve, and drops flicker (the reframer's rules)", () => {
    const scores = new Array(200).fill(0.3);
    scores[50] = 30; // cut at 2 s
    for (let i = 120; i < 140; i++) scores[i] = 3; // 0.8 s dissolve, 60 in all
    scores[170] = 2; // one raised frame: not a dissolve
    const cuts = findCuts(frames(scores), SCENE_CUTS.rules);
    expect(cuts).toHaveLength(2);
    expect(cuts[0]).toEqual({ time: 2, score: 30 });
    expect(cuts[1].time).toBeCloseTo((120 + 139) / 2 / 25, 5);
    expect(cuts[1].score).toBe(3);
    expect(shotsOf(cuts, 8)).toHaveLength(3);
  });

  it("merges cuts closer than half a second", () => {
    const scores = new Array(100).fill(0);
    scores[40] = 50;
    scores[45] = 50;
    expect(times(findCuts(frames(scores), SCENE_CUTS.rules))).toEqual([1.6]);
  });

  it("counts a frame at the threshold as a cut only without `strictly`; no dissolves unless asked", () => {
    const scores = new Array(100).fill(0);
    scores[25] = 10;
    scores[50] = 10.5;
    for (let i = 70; i < 85; i++) scores[i] = 3;
    expect(times(findCuts(frames(scores), { cutScore: 10 }))).toEqual([1, 2]);
    expect(times(findCuts(frames(scores), { cutScore: 10, strictly: true }))).toEqual([2]);
  });

  it("never cuts on the first frame or before 0 s", () => {
    expect(findCuts([{ time: -0.04, score: 50 }, { time: -0.02, score: 50 }, { time: 0.5, score: 50 }], { cutScore: 10 })).toEqual([{ time: 0.5, score: 50 }]);
  });

  it("numbers the shots, carries each opening cut's score, and ignores cuts at the edges (the editor's rules)", () => {
    const cuts = findCuts([{ time: 0, score: 0 }, { time: 0.02, score: 80 }, { time: 4, score: 41.2 }, { time: 7.5, score: 22.5 }, { time: 9.98, score: 60 }], { cutScore: 10, strictly: true });
    expect(shotsOf(cuts, 10, 0.04)).toEqual([
      { index: 0, start: 0, end: 4, score: null },
      { index: 1, start: 4, end: 7.5, score: 41.2 },
      { index: 2, start: 7.5, end: 10, score: 22.5 },
    ]);
    expect(shotsOf([], 3)).toEqual([{ index: 0, start: 0, end: 3, score: null }]);
  });
});

describe("scoring with ffmpeg", () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await makeTempDir("shots-");
    file = path.join(dir, "three-shots.mp4");
    // Three shots: 3 s of testsrc, 3 s of a different pattern, 2 s of colour bars.
    await ffmpegCli([
      ...["-f", "lavfi", "-i", "testsrc=s=320x240:r=10:d=3"],
      ...["-f", "lavfi", "-i", "mandelbrot=s=320x240:r=10"],
      ...["-f", "lavfi", "-i", "smptebars=s=320x240:r=10:d=2"],
      ...["-filter_complex", "[1]trim=duration=3,setpts=PTS-STARTPTS[b];[0][b][2]concat=n=3:v=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", file],
    ]);
  }, 60_000);
  afterAll(() => removeDir(dir));

  it("scores every frame with either measure, and both find the two cuts", async () => {
    const scdet = await scoreFrames(file, { measure: "scdet" });
    const scene = await scoreFrames(file, { measure: "scene" });
    expect(scdet).toHaveLength(80);
    expect(scene).toHaveLength(80);
    expect(Math.max(...scene.map((s) => s.score))).toBeLessThanOrEqual(1);
    expect(times(findCuts(scdet, SCENE_CUTS.rules))).toEqual([3, 6]);
    expect(times(findCuts(scene, { cutScore: 0.3, strictly: true }))).toEqual([3, 6]);
  });

  it("detects shots over a range, on the range's clock", async () => {
    const shots = await detectShots(file, 4, { ...SCENE_CUTS, range: { start: 1, end: 5 } });
    expect(shots.map((shot) => [shot.start, shot.end])).toEqual([[0, 2], [2, 4]]);
    expect(shots[1].score).toBeGreaterThan(10);
  });
});
