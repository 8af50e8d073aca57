import { ByteTracker, type Box, type TrackerOptions } from "./bytetrack";

/**
 * Tracking over a whole video, frame by frame, in one pass: ByteTrack gives raw ids, and when
 * the last frame is in, `finish()` decides which tracks are results and numbers them 1, 2, 3...
 * in order of appearance. The database step (track-job.ts) and the evaluation
 * (scripts/eval-analysis.ts) both run this, so what is measured is what users get.
 *
 * Memory: two numbers per tracked detection and a summary per track; no boxes are kept.
 */
export type VideoDetection = { label: string; score: number; box: Box };
export type VideoFrame = { index: number; timestamp: number; detections: VideoDetection[] };

export type TrackRecord = {
  trackId: number;
  label: string;
  startFrame: number;
  endFrame: number;
  startTime: number;
  endTime: number;
  frames: number;
  avgConfidence: number;
};

export type TrackingSummary = {
  frames: number;
  tracks: number;
  personTracks: number;
  /** Person tracks followed for at least 2 s. */
  personTracksOver2s: number;
  /**
   * Person tracks that begin where another person track ended moments before (within 2 s and
   * half a body height): the same person picked up again under a new id. Without ground truth
   * this is the id-switch figure we can measure.
   */
  personReacquired: number;
};

type Sighting = Box & { timestamp: number };
type TrackStats = {
  rawId: number;
  labels: Map<string, number>;
  startFrame: number;
  endFrame: number;
  startTime: number;
  endTime: number;
  frames: number;
  confidence: number;
  /** First and last detections labelled "person", for the re-acquisition figure. */
  firstPerson?: Sighting;
  lastPerson?: Sighting;
};

export type VideoTrackingResult = {
  /** The result's track id of each detection pushed (by the caller's ref); absent: no track. */
  trackOf: Map<number, number>;
  tracks: TrackRecord[];
  summary: TrackingSummary;
};

export class VideoTracker {
  private readonly tracker: ByteTracker;
  private readonly refs: number[] = [];
  private readonly rawIds: number[] = [];
  private readonly stats = new Map<number, TrackStats>();
  private frameCount = 0;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.tracker = new ByteTracker(options);
  }

  /**
   * Feeds one sampled frame (in order, none skipped: a frame without detections is an empty
   * list). `refs[i]` names detection i for the caller (a row id, a position).
   */
  push(frame: VideoFrame, refs: number[]): void {
    this.frameCount += 1;
    const assigned = this.tracker.update(frame.detections);
    frame.detections.forEach((detection, i) => {
      const rawId = assigned[i];
      if (rawId === null) return;
      this.refs.push(refs[i]);
      this.rawIds.push(rawId);
      this.record(rawId, frame, detection);
    });
  }

  finish(): VideoTrackingResult {
    // A track seen once was never confirmed: it is dropped. The rest are numbered in order of
    // appearance (the tracker's raw ids have gaps where such tracks were born).
    const confirmed = [...this.stats.values()].filter((track) => track.frames >= 2).sort((a, b) => a.startFrame - b.startFrame || a.rawId - b.rawId);
    const finalId = new Map(confirmed.map((track, i) => [track.rawId, i + 1]));
    const trackOf = new Map<number, number>();
    this.refs.forEach((ref, i) => {
      const id = finalId.get(this.rawIds[i]);
      if (id !== undefined) trackOf.set(ref, id);
    });
    const tracks = confirmed.map((track, i) => ({
      trackId: i + 1,
      label: commonestLabel(track.labels),
      startFrame: track.startFrame,
      endFrame: track.endFrame,
      startTime: track.startTime,
      endTime: track.endTime,
      frames: track.frames,
      avgConfidence: track.confidence / track.frames,
    }));
    return { trackOf, tracks, summary: { frames: this.frameCount, ...summarize(confirmed) } };
  }

  private record(rawId: number, frame: VideoFrame, d: VideoDetection): void {
    let track = this.stats.get(rawId);
    if (!track) {
      track = { rawId, labels: new Map(), startFrame: frame.index, endFrame: frame.index, startTime: frame.timestamp, endTime: frame.timestamp, frames: 0, confidence: 0 };
      this.stats.set(rawId, track);
    }
    track.labels.set(d.label, (track.labels.get(d.label) ?? 0) + 1);
    track.endFrame = frame.index; // frames arrive in order
    track.endTime = frame.timestamp;
    track.frames += 1;
    track.confidence += d.score;
    if (d.label === "person") {
      const sighting = { ...d.box, timestamp: frame.timestamp };
      track.firstPerson ??= sighting;
      track.lastPerson = sighting;
    }
  }
}

/** The label seen most often on a track; ties go to the alphabetically first. */
function commonestLabel(labels: Map<string, number>): string {
  return [...labels].sort(([a, n], [b, m]) => m - n || (a < b ? -1 : 1))[0][0];
}

function summarize(confirmed: TrackStats[]): Omit<TrackingSummary, "frames"> {
  const people = confirmed.filter((track) => commonestLabel(track.labels) === "person");
  const centre = (s: Sighting) => ({ x: s.x + s.width / 2, y: s.y + s.height / 2 });
  const sighted = confirmed.filter((track) => track.firstPerson && track.lastPerson);
  const reacquired = sighted.filter((track) =>
    sighted.some((other) => {
      if (other === track) return false;
      const first = track.firstPerson!;
      const last = other.lastPerson!;
      const gap = first.timestamp - last.timestamp;
      const a = centre(first);
      const b = centre(last);
      return gap > 0 && gap <= 2 && Math.hypot(a.x - b.x, a.y - b.y) < 0.5 * Math.max(first.height, last.height);
    }),
  ).length;
  return {
    tracks: confirmed.length,
    personTracks: people.length,
    personTracksOver2s: people.filter((track) => track.endTime - track.startTime >= 2).length,
    personReacquired: reacquired,
  };
}
