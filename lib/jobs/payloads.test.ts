import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { jobPayloadSchemas, parseJobPayload, sourceOf, sourcesOf } from "./payloads";

const id = "0b6c9a39-3a55-4b8e-9a3f-2d3c1f0e8a11";

function refusal(kind: Parameters<typeof parseJobPayload>[0], payload: unknown): string {
  try {
    parseJobPayload(kind, payload);
  } catch (error) {
    expect(isAppError(error) && error.kind).toBe("bad_request");
    return (error as Error).message;
  }
  throw new Error("accepted");
}

describe("job payload schemas", () => {
  it("has one for every job kind", () => {
    expect(Object.keys(jobPayloadSchemas).sort()).toEqual(["analyze", "annotate", "enhance", "export", "extract_features", "generate_clip", "ingest", "metadata", "reframe", "render", "transcribe"]);
  });

  it("annotate names the analysis job and its video", () => {
    const id = "0b6f3c1e-8d2a-4c59-9f3e-2a7d5b1c4e60";
    expect(parseJobPayload("annotate", { source_asset_id: id, analysis_job_id: id })).toMatchObject({ analysis_job_id: id });
    expect(() => parseJobPayload("annotate", { source_asset_id: id, analysis_job_id: "nope" })).toThrow(/analysis_job_id/);
  });

  it("gives enhance the auto preset by default and refuses an unknown one", () => {
    const id = "0b6f3c1e-8d2a-4c59-9f3e-2a7d5b1c4e60";
    expect(parseJobPayload("enhance", { source_asset_id: id })).toMatchObject({ source_asset_id: id, preset: "auto" });
    expect(() => parseJobPayload("enhance", { source_asset_id: id, preset: "sparkle" })).toThrow(/preset/);
    expect(() => parseJobPayload("metadata", { path: "/etc/passwd" })).toThrow(/not allowed|source_asset_id/);
  });

  it("extract_features: http(s) URLs only, one source per video, products or videos required", () => {
    const parsed = parseJobPayload("extract_features", {
      products: [{ product_id: "p_001", title: "NeckCare Pillow V2", images: ["https://shop.example/p_001/0.jpg"] }],
      videos: [{ url: "https://cdn.example/review.mp4", title: "Review", platform: "youtube" }, { video_name: "box.mp4" }, { source_asset_id: id }],
      fps: 2,
    });
    expect(parsed.features).toEqual(["segment", "embedding", "keypoints"]);
    expect(sourcesOf("extract_features", parsed)).toEqual([{ video_name: "box.mp4" }, { source_asset_id: id }]);
    expect(() => parseJobPayload("extract_features", {})).toThrow(/give products, videos or both/);
    expect(() => parseJobPayload("extract_features", { products: [{ product_id: "p", images: ["file:///etc/passwd"] }] })).toThrow(/http\(s\) URL/);
    expect(() => parseJobPayload("extract_features", { videos: [{ url: "https://a.example/v.mp4", video_name: "box.mp4" }] })).toThrow(/exactly one/);
    expect(() => parseJobPayload("extract_features", { videos: [{ path: "/etc/passwd" }] })).toThrow(/naming a file on the server/);
    expect(() => parseJobPayload("extract_features", { products: [{ product_id: "../x" }] })).toThrow(/product_id/);
    expect(() => parseJobPayload("extract_features", { videos: [{ video_name: "a.mp4" }], fps: 60 })).toThrow(/fps/);
  });

  it("reframe: its registered video by id, fps 5 by default, the four aspects only", () => {
    const videoId = "11111111-2222-4333-8444-555555555555";
    expect(parseJobPayload("reframe", { videoId, duration: 3, filename: "a.mp4" })).toMatchObject({ fps: 5 });
    expect(sourceOf("reframe", parseJobPayload("reframe", { videoId, duration: 3, filename: "a.mp4", aspect: "9:16" }))).toEqual({ source_asset_id: videoId });
    expect(() => parseJobPayload("reframe", { videoId, duration: 3, filename: "a.mp4", aspect: "3:7" })).toThrow(/aspect/);
    expect(() => parseJobPayload("reframe", { videoId, duration: 3, filename: "a.mp4", path: "/etc/passwd" })).toThrow();
  });

  it("takes a source by id or by name, keeps unknown configuration, and never a host path", () => {
    expect(parseJobPayload("ingest", { source_asset_id: id, project_id: "proj_123", transcript: false })).toEqual({
      source_asset_id: id,
      project_id: "proj_123",
      transcript: false,
    });
    expect(sourceOf("ingest", parseJobPayload("ingest", { video_name: "pattern.mp4" }))).toEqual({ video_name: "pattern.mp4" });
    expect(sourceOf("render", parseJobPayload("render", { source_asset_id: id }))).toEqual({ source_asset_id: id });
    for (const kind of ["ingest", "transcribe", "generate_clip", "render", "export"] as const) {
      expect(refusal(kind, { path: "/etc/passwd" })).toMatch(/^Request body 'path': naming a file on the server is not allowed/);
      expect(refusal(kind, { path: "/etc/passwd", video_name: "pattern.mp4" })).toMatch(/^Request body 'path'/);
    }
  });

  it("names the field that is wrong", () => {
    expect(refusal("ingest", {})).toBe("Request body 'source_asset_id': give source_asset_id or video_name");
    expect(refusal("ingest", { source_asset_id: id, video_name: "a.mp4" })).toBe("Request body 'video_name': give source_asset_id or video_name, not both");
    expect(refusal("ingest", { source_asset_id: "asset_456" })).toBe("Request body 'source_asset_id': must be a video id");
    expect(refusal("ingest", { video_name: "x".repeat(10_000) })).toBe("Request body 'video_name': must be at most 255 bytes");
    expect(refusal("ingest", { video_name: 42 })).toMatch(/^Request body 'video_name': /);
    expect(refusal("render", { video_name: "a.mp4", height: 99_999 })).toMatch(/^Request body 'height': /);
    expect(refusal("export", { video_name: "a.mp4", format: "exe" })).toMatch(/^Request body 'format': /);
    expect(refusal("generate_clip", { video_name: "a.mp4", start: 5, end: 2 })).toBe("Request body 'end': must be after start");
    expect(refusal("ingest", [1, 2])).toMatch(/^Request body: /);
  });

  it("reads analyze's video from its id, never from a path", () => {
    const payload = parseJobPayload("analyze", { videoId: id, duration: 12, filename: "trip.mp4" });
    expect(payload).toMatchObject({ videoId: id, fps: 5, tasks: ["detect"] });
    expect(sourceOf("analyze", payload)).toEqual({ source_asset_id: id });
    expect(refusal("analyze", { videoId: id, duration: 12, filename: "trip.mp4", path: "/any/video.mp4" })).toMatch(/^Request body: Unrecognized key: "path"|^Request body '?path/);
    expect(refusal("analyze", { path: "/any/video.mp4", duration: 1, filename: "x" })).toMatch(/videoId/);
  });

  it("needs no render source when every segment names its video; the job's video is then the first's", () => {
    const segments = [{ source_asset_id: id, in: 0, out: 2 }, { video_name: "b.mp4", in: 1, out: 3 }];
    const payload = parseJobPayload("render", { segments });
    expect(payload.segments).toEqual(segments);
    expect(sourceOf("render", payload)).toEqual({ source_asset_id: id });
    expect(sourceOf("render", parseJobPayload("render", { segments: [...segments].reverse() }))).toEqual({ video_name: "b.mp4" });
    // A source of its own is still taken, and still the job's video.
    expect(sourceOf("render", parseJobPayload("render", { video_name: "a.mp4", segments }))).toEqual({ video_name: "a.mp4" });

    const missing = "Request body 'source_asset_id': give source_asset_id or video_name, or one in every segment";
    expect(refusal("render", { segments: [segments[0], { in: 0, out: 1 }] })).toBe(missing);
    expect(refusal("render", {})).toBe(missing);
    expect(refusal("render", { source_asset_id: id, video_name: "a.mp4", segments })).toBe("Request body 'video_name': give source_asset_id or video_name, not both");
    expect(refusal("render", { segments, path: "/etc/passwd" })).toMatch(/^Request body 'path': naming a file on the server is not allowed/);
  });
});
