import { describe, expect, it } from "vitest";
import { bestImageHits, featureFrameHref, imageHit, matchParts } from "./hits";

describe("image hits", () => {
  const frame = { frame_id: "v_1_frame_000004", video_id: "v_1", ts: 4.04, url: "/jobs/j/files/frames/v_1/000004.jpg", score: 69.77, similarity: 0.7712, inliers: 69 };

  it("open the feature review at their frame and moment", () => {
    expect(featureFrameHref("j", "v_1_frame_000004", 4.04)).toBe("/features/j?frame=v_1_frame_000004&t=4");
    expect(imageHit("j", frame, "street.mp4")).toMatchObject({ source: "image", jobId: "j", time: 4.04, title: "street.mp4", thumbnail: frame.url, href: "/features/j?frame=v_1_frame_000004&t=4", score: 69.77 });
  });

  it("say in words how sure the match is", () => {
    expect(matchParts(imageHit("j", frame, null).match)).toEqual([
      { text: "Same product", marked: true },
      { text: ": 69 matching points, 77% alike", marked: false },
    ]);
    const unverified = imageHit("j", { ...frame, inliers: 0, similarity: 0.79 }, null);
    expect(unverified.match).toBe("79% alike");
    expect(unverified.title).toBe("v_1");
  });

  it("from several extractions make one list, best first, as many as shown", () => {
    const hit = (score: number) => ({ ...frame, frame_id: `f${score}`, score });
    const found = [
      { jobId: "a", hit: hit(3) },
      { jobId: "b", hit: hit(70) },
      { jobId: "a", hit: hit(0.5) },
      { jobId: "b", hit: hit(12) },
    ];
    expect(bestImageHits(found, 3).map(({ jobId, hit }) => `${jobId}:${hit.score}`)).toEqual(["b:70", "b:12", "a:3"]);
    expect(found[0].hit.score).toBe(3);
  });
});
