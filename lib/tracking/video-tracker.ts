import { appearanceDistance, meanLook } from "./appearance";
import { ByteTracker, type Box, type TrackerOptions } from "./bytetrack";

/**
 * Tracking over a whole video, frame by frame, in one pass: ByteTrack gives raw ids, and when
 * the last frame is in, `finish()` decides which tracks are results and numbers them 1, 2, 3...
 * in order of appearance. The database step (track-job.ts) and the evaluation
 * (scripts/eval-analysis.ts) both run this, so what is measured is what users get.
 *
 * Finishing does three things, each measured by `npm run eval:analysis` (README, "Accuracy"):
 *  1. Only the scene profile's classes are tracked at all (./scene-profiles.ts).
 *  2. Stitching: a track that begins shortly after another of its class ended, where that one
 *     was heading and at its size, is the same object picked up again (someone passing behind
 *     another, or scored under the floor for a moment): it takes the earlier id.
 *  3. Confirmation: a stitched track is a result only when it lasted `minSeconds`, the median
 *     of its first scores passes its class's minimum, its boxes are of a plausible size, and it
 *     is not a thing that never moves and never scores well (a rock, a sign, a bin taken for a
 *     person at 0.3 for the whole video). Unconfirmed detections keep no track id: they stay in
 *     the database as raw output, and nothing shown, counted, exported or turned into events
 *     uses them.
 *
 * Memory: two numbers per tracked detection and a summary per track; no boxes are kept.
 */
export type ConfirmationRules = {
  /** A track must last this long (seconds between its first and last sighting). */
  minSeconds: number;
  /** How many of a track's first scores the median is taken over. */
  firstFrames: number;
  /** Median of the first scores must reach this, per class; `default` for the others. */
  minScore: Record<string, number> & { default: number };
  /** A track of these classes (things that move by themselves) that never moves more than `stationaryMovement` of its height... */
  stationaryClasses: string[];
  stationaryMovement: number;
  /** ...and never scores this well is not an object but part of the scene. */
  stationaryMaxScore: number;
  /** Mean box area as a share of the frame: outside [minArea, maxArea] is no object. */
  minArea: number;
  maxArea: number;
  /** Longest gap (seconds) across which a track can be picked up again by stitching. */
  stitchSeconds: number;
  /**
   * Largest appearance distance (see `appearanceDistance`) between how a track looked when it
   * ended and how a new one looks, for the new one to be it; a different person walking out
   * where the first was heading is not stitched on.
   */
  maxAppearanceDistance: number;
};

export const defaultConfirmation: ConfirmationRules = {
  minSeconds: 1,
  firstFrames: 5,
  minScore: { default: 0.3, person: 0.3 },
  stationaryClasses: ["person", "dog", "cat", "horse", "bird"],
  stationaryMovement: 0.25,
  stationaryMaxScore: 0.5,
  minArea: 0.0004,
  maxArea: 0.9,
  stitchSeconds: 3,
  maxAppearanceDistance: 0.15,
};

export type VideoTrackerOptions = {
  tracker?: Partial<TrackerOptions>;
  confirmation?: Partial<ConfirmationRules>;
  /** Classes tracked and reported; null or absent: all. */
  classes?: ReadonlySet<string> | null;
  /** The analysed frame's size, for the area rule; absent: the rule is skipped. */
  frameSize?: { width: number; height: number };
};
/** `appearance`: the worker's colour signature of the box, when it sent one. */
export type VideoDetection = { label: string; score: number; box: Box; appearance?: number[] };
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
  /** Of those, the ones followed for at least 2 s (eval:analysis's figure, README "Accuracy"). */
  personReacquiredOver2s: number;
};

type Sighting = Box & { timestamp: number; appearance?: number[] };
type TrackStats = {
  /** The first scores (up to `firstFrames`), the best one, and sums for means and movement. */
  firstScores: number[];
  maxScore: number;
  areaSum: number;
  heightSum: number;
  centreMin: { x: number; y: number };
  centreMax: { x: number; y: number };
  first: Sighting;
  /** The last sightings, about a second's worth, for the heading and the look at the end. */
  recent: Sighting[];
  /** The first sightings' appearance signatures (as many as `firstFrames`). */
  firstLooks: number[][];
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
  private readonly rules: ConfirmationRules;
  private readonly classes: ReadonlySet<string> | null;
  private readonly frameArea: number | null;
  private readonly refs: number[] = [];
  private readonly rawIds: number[] = [];
  private readonly stats = new Map<number, TrackStats>();
  private frameCount = 0;

  constructor(options: VideoTrackerOptions = {}) {
    this.tracker = new ByteTracker(options.tracker);
    this.rules = { ...defaultConfirmation, ...options.confirmation, minScore: { ...defaultConfirmation.minScore, ...options.confirmation?.minScore } };
    this.classes = options.classes ?? null;
    this.frameArea = options.frameSize ? options.frameSize.width * options.frameSize.height : null;
  }

  /**
   * Feeds one sampled frame (in order, none skipped: a frame without detections is an empty
   * list). `refs[i]` names detection i for the caller (a row id, a position).
   */
  push(frame: VideoFrame, refs: number[]): void {
    this.frameCount += 1;
    // Classes outside the profile are not tracked: they neither start nor continue a track.
    const kept = this.classes ? frame.detections.flatMap((d, i) => (this.classes!.has(d.label) ? [i] : [])) : frame.detections.map((_, i) => i);
    const assigned = this.tracker.update(kept.map((i) => frame.detections[i]));
    kept.forEach((i, k) => {
      const detection = frame.detections[i];
      const rawId = assigned[k];
      if (rawId === null) return;
      this.refs.push(refs[i]);
      this.rawIds.push(rawId);
      this.record(rawId, frame, detection);
    });
  }

  finish(): VideoTrackingResult {
    // A track seen once was never confirmed by ByteTrack itself: it is dropped first.
    const seen = [...this.stats.values()].filter((track) => track.frames >= 2).sort((a, b) => a.startTime - b.startTime || a.rawId - b.rawId);
    const groups = stitch(seen, this.rules).filter((group) => this.confirmed(group));
    // Numbered 1, 2, 3... in order of appearance.
    groups.sort((a, b) => a[0].startTime - b[0].startTime || a[0].rawId - b[0].rawId);
    const finalId = new Map<number, number>();
    groups.forEach((group, i) => group.forEach((piece) => finalId.set(piece.rawId, i + 1)));
    const trackOf = new Map<number, number>();
    this.refs.forEach((ref, i) => {
      const id = finalId.get(this.rawIds[i]);
      if (id !== undefined) trackOf.set(ref, id);
    });
    const tracks = groups.map((group, i) => {
      const labels = new Map<string, number>();
      for (const piece of group) for (const [label, n] of piece.labels) labels.set(label, (labels.get(label) ?? 0) + n);
      const frames = group.reduce((n, piece) => n + piece.frames, 0);
      const last = group[group.length - 1];
      return {
        trackId: i + 1,
        label: commonestLabel(labels),
        startFrame: group[0].startFrame,
        endFrame: last.endFrame,
        startTime: group[0].startTime,
        endTime: last.endTime,
        frames,
        avgConfidence: group.reduce((n, piece) => n + piece.confidence, 0) / frames,
      };
    });
    const summarized = groups.map(merge);
    return { trackOf, tracks, summary: { frames: this.frameCount, ...summarize(summarized) } };
  }

  /** The confirmation rules (see the top of this file) over a stitched track. */
  private confirmed(group: TrackStats[]): boolean {
    const rules = this.rules;
    const track = merge(group);
    const label = commonestLabel(track.labels);
    if (track.endTime - track.startTime < rules.minSeconds) return false;
    const minScore = rules.minScore[label] ?? rules.minScore.default;
    if (median(track.firstScores) < minScore) return false;
    const height = track.heightSum / track.frames;
    const movement = Math.max(track.centreMax.x - track.centreMin.x, track.centreMax.y - track.centreMin.y);
    const stationary = rules.stationaryClasses.includes(label) && movement < rules.stationaryMovement * height;
    if (stationary && track.maxScore < rules.stationaryMaxScore) return false;
    if (this.frameArea) {
      const area = track.areaSum / track.frames / this.frameArea;
      if (area < rules.minArea || area > rules.maxArea) return false;
    }
    return true;
  }

  private record(rawId: number, frame: VideoFrame, d: VideoDetection): void {
    const sighting = { ...d.box, timestamp: frame.timestamp, appearance: d.appearance };
    const centre = centreOf(d.box);
    let track = this.stats.get(rawId);
    if (!track) {
      track = {
        rawId,
        labels: new Map(),
        startFrame: frame.index,
        endFrame: frame.index,
        startTime: frame.timestamp,
        endTime: frame.timestamp,
        frames: 0,
        confidence: 0,
        firstScores: [],
        maxScore: 0,
        areaSum: 0,
        heightSum: 0,
        centreMin: { ...centre },
        centreMax: { ...centre },
        first: sighting,
        recent: [],
        firstLooks: [],
      };
      this.stats.set(rawId, track);
    }
    if (track.firstScores.length < this.rules.firstFrames) track.firstScores.push(d.score);
    if (d.appearance && track.firstLooks.length < this.rules.firstFrames) track.firstLooks.push(d.appearance);
    track.maxScore = Math.max(track.maxScore, d.score);
    track.areaSum += d.box.width * d.box.height;
    track.heightSum += d.box.height;
    track.centreMin = { x: Math.min(track.centreMin.x, centre.x), y: Math.min(track.centreMin.y, centre.y) };
    track.centreMax = { x: Math.max(track.centreMax.x, centre.x), y: Math.max(track.centreMax.y, centre.y) };
    track.recent.push(sighting);
    if (track.recent.length > 6) track.recent.shift();
    track.labels.set(d.label, (track.labels.get(d.label) ?? 0) + 1);
    track.endFrame = frame.index; // frames arrive in order
    track.endTime = frame.timestamp;
    track.frames += 1;
    track.confidence += d.score;
    if (d.label === "person") {
      track.firstPerson ??= sighting;
      track.lastPerson = sighting;
    }
  }
}

function centreOf(box: Box): { x: number; y: number } {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Where a track was heading when it was last seen, in pixels per second. */
function velocityAtEnd(track: TrackStats): { x: number; y: number } {
  const first = track.recent[0];
  const last = track.recent[track.recent.length - 1];
  const dt = last.timestamp - first.timestamp;
  if (dt <= 0) return { x: 0, y: 0 };
  const a = centreOf(first);
  const b = centreOf(last);
  return { x: (b.x - a.x) / dt, y: (b.y - a.y) / dt };
}

/**
 * Tracklet stitching: pieces in order of their start; a piece that begins within
 * `stitchSeconds` after a chain of its class ended, its first centre near where the chain was
 * heading (last centre plus its velocity over the gap; within 1.5 box widths or 0.75 heights,
 * plus half the distance it would have walked, since people slow down and turn while hidden),
 * its height within a factor 1.5, and looking like it (when both have appearance signatures),
 * continues that chain; the nearest such ending wins. Two chains never overlap in time.
 */
function stitch(pieces: TrackStats[], rules: Pick<ConfirmationRules, "stitchSeconds" | "maxAppearanceDistance">): TrackStats[][] {
  const chains: TrackStats[][] = [];
  for (const piece of pieces) {
    const label = commonestLabel(piece.labels);
    let best: { chain: TrackStats[]; distance: number } | null = null;
    for (const chain of chains) {
      const tail = chain[chain.length - 1];
      const gap = piece.startTime - tail.endTime;
      if (gap <= 0 || gap > rules.stitchSeconds || commonestLabel(tail.labels) !== label) continue;
      const end = tail.recent[tail.recent.length - 1];
      const ratio = piece.first.height / end.height;
      if (ratio > 1.5 || ratio < 1 / 1.5) continue;
      const heading = velocityAtEnd(tail);
      const from = centreOf(end);
      const expected = { x: from.x + heading.x * gap, y: from.y + heading.y * gap };
      const start = centreOf(piece.first);
      const distance = Math.hypot(start.x - expected.x, start.y - expected.y);
      const size = Math.max(1.5 * Math.max(piece.first.width, end.width), 0.75 * Math.max(piece.first.height, end.height));
      const reach = size + 0.5 * Math.hypot(heading.x, heading.y) * gap;
      if (distance > reach || (best && distance >= best.distance)) continue;
      const before = meanLook(tail.recent.flatMap((s) => (s.appearance ? [s.appearance] : [])));
      const after = meanLook(piece.firstLooks);
      if (before && after && appearanceDistance(before, after) > rules.maxAppearanceDistance) continue;
      best = { chain, distance };
    }
    if (best) best.chain.push(piece);
    else chains.push([piece]);
  }
  return chains;
}

/** One summary for a chain of pieces (in time order). */
function merge(group: TrackStats[]): TrackStats {
  if (group.length === 1) return group[0];
  const first = group[0];
  const last = group[group.length - 1];
  const labels = new Map<string, number>();
  for (const piece of group) for (const [label, n] of piece.labels) labels.set(label, (labels.get(label) ?? 0) + n);
  return {
    ...first,
    labels,
    endFrame: last.endFrame,
    endTime: last.endTime,
    frames: group.reduce((n, p) => n + p.frames, 0),
    confidence: group.reduce((n, p) => n + p.confidence, 0),
    maxScore: Math.max(...group.map((p) => p.maxScore)),
    areaSum: group.reduce((n, p) => n + p.areaSum, 0),
    heightSum: group.reduce((n, p) => n + p.heightSum, 0),
    centreMin: { x: Math.min(...group.map((p) => p.centreMin.x)), y: Math.min(...group.map((p) => p.centreMin.y)) },
    centreMax: { x: Math.max(...group.map((p) => p.centreMax.x)), y: Math.max(...group.map((p) => p.centreMax.y)) },
    recent: last.recent,
    firstPerson: group.find((p) => p.firstPerson)?.firstPerson,
    lastPerson: [...group].reverse().find((p) => p.lastPerson)?.lastPerson,
  };
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
  );
  return {
    tracks: confirmed.length,
    personTracks: people.length,
    personTracksOver2s: people.filter((track) => track.endTime - track.startTime >= 2).length,
    personReacquired: reacquired.length,
    personReacquiredOver2s: reacquired.filter((track) => track.lastPerson!.timestamp - track.firstPerson!.timestamp >= 2).length,
  };
}
