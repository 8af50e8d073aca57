/** What the feature review page reads from the contract's endpoints (contracts/feature-extraction.md). */
export type Box = { x: number; y: number; width: number; height: number };
export type FrameObject = { label: string; confidence: number; box: Box; method: string; mask_url: string };
export type Urls = { segment: string | null; embedding: string | null; keypoints: string | null };
export type Asset = { key: string; title: string; subtitle: string; imageUrl: string | null; urls: Urls; has: { segment: boolean; embedding: boolean; keypoints: boolean }; objects: FrameObject[] };
export type Listed<T> = { items: T[]; total: number; limit: number; offset: number };
export type Status = { phase: string; percent: number; counts: Record<string, number>; failed_items: { kind: string; id: string; source: string | null; reason: string }[]; error: string | null };
export type Video = { video_id: string; title: string | null; platform: string; duration_s: number | null; frames_count: number };
export type Hit = { frame_id: string; video_id: string; ts: number; score: number; similarity: number; inliers: number; box?: Box };
export type Layers = { mask: boolean; keypoints: boolean; boxes: boolean };

export const PAGE = 24;

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) throw new Error((body as { detail?: string }).detail ?? `HTTP ${response.status}`);
  return body as T;
}

/** The phases of GET /status/{job_id} in words. */
export const phaseWords: Record<string, string> = {
  collecting: "Collecting the pictures and videos",
  frame_extraction: "Taking frames from the videos",
  feature_extraction: "Measuring each picture and frame",
  completed: "Done",
  failed: "Stopped",
};

/** What each `has` filter keeps, in words. */
export const hasWords: Record<string, string> = { any: "anything", segment: "a mask", embedding: "a likeness signature", keypoints: "matching points", none: "nothing measured" };
