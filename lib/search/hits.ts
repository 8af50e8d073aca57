/**
 * What a search answers, whatever the source: one moment of one job the caller may list, what
 * matched there, and where the browser opens it. Kept apart from the queries so the page and
 * every source share one shape.
 */
export const searchKinds = ["everything", "objects", "words", "text", "image"] as const;
export type SearchKind = (typeof searchKinds)[number];

/** The sources a hit comes from; `everything` is their union, not a source. */
export type HitSource = Exclude<SearchKind, "everything">;

export type SearchHit = {
  source: HitSource;
  jobId: string;
  /** Seconds from the start of the video: the player opens there. */
  time: number;
  /**
   * What matched: a class name, the words spoken around the query, the text read on screen.
   * Matched words sit between MARK_START and MARK_END so the page can highlight them without
   * rendering HTML that came from a video.
   */
  match: string;
  /** The video's file name, or the job's id where it has none. */
  title: string;
  /** A picture of the moment (a job file URL), or null where the source has none. */
  thumbnail: string | null;
  /** The page that plays the job at this moment. */
  href: string;
  /** Higher is better within a source: a rank, a confidence or a similarity. */
  score: number;
};

/** Control characters cannot occur in a transcript or in OCR text, so they mark matches safely. */
export const MARK_START = "\u0002";
export const MARK_END = "\u0003";

/** The parts of a match, each flagged when it is a matched word, for highlighting. */
export function matchParts(match: string): { text: string; marked: boolean }[] {
  const parts: { text: string; marked: boolean }[] = [];
  for (const [index, piece] of match.split(MARK_START).entries()) {
    if (index === 0) {
      if (piece) parts.push({ text: piece, marked: false });
      continue;
    }
    const end = piece.indexOf(MARK_END);
    if (end < 0) {
      parts.push({ text: piece, marked: false });
      continue;
    }
    if (end > 0) parts.push({ text: piece.slice(0, end), marked: true });
    if (piece.slice(end + 1)) parts.push({ text: piece.slice(end + 1), marked: false });
  }
  return parts;
}

/** The analysis player at a moment (app/(dashboard)/analyses/[id] reads `?t=`). */
export function analysisHref(jobId: string, time: number): string {
  return `/analyses/${jobId}?t=${Math.max(0, Math.round(time * 10) / 10)}`;
}

/** A feature job's review opened at one of its frames (app/(dashboard)/features/[job_id] reads `?frame=&t=`). */
export function featureFrameHref(jobId: string, frameId: string, time: number): string {
  return `/features/${jobId}?${new URLSearchParams({ frame: frameId, t: String(Math.max(0, Math.round(time * 10) / 10)) })}`;
}

/** One frame POST /features/search/image found (lib/features/search.ts's hit). */
export type FrameHit = { frame_id: string; video_id: string; ts: number; url: string | null; score: number; similarity: number; inliers: number };

/**
 * A frame found by picture as a search hit: what matched says how sure the match is in words
 * (matching points found and checked, or only a likeness), the title names its video.
 */
export function imageHit(jobId: string, hit: FrameHit, videoTitle: string | null): SearchHit {
  const likeness = `${Math.round(Math.max(0, hit.similarity) * 100)}% alike`;
  return {
    source: "image",
    jobId,
    time: hit.ts,
    match: hit.inliers ? `${MARK_START}Same product${MARK_END}: ${hit.inliers} matching points, ${likeness}` : likeness,
    title: videoTitle ?? hit.video_id,
    thumbnail: hit.url,
    href: featureFrameHref(jobId, hit.frame_id, hit.ts),
    score: hit.score,
  };
}

/**
 * The hits of a picture searched in several feature extractions as one list: best first by the
 * API's score (matching points checked, then likeness), at most `shown`.
 */
export function bestImageHits(found: { jobId: string; hit: FrameHit }[], shown: number): { jobId: string; hit: FrameHit }[] {
  return [...found].sort((a, b) => b.hit.score - a.hit.score).slice(0, shown);
}
