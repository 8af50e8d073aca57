import { appearanceDistance } from "./appearance";
import { assign } from "./assignment";
import { initiate, predict, update, type KalmanState } from "./kalman";

/**
 * ByteTrack (Zhang et al., 2022): associate high-score detections to tracks first, then give
 * the leftover tracks a second chance with the low-score detections that other trackers throw
 * away (people half hidden, blurred, far away). Motion comes from a Kalman filter; a lost track
 * is kept for `trackBuffer` frames so that it can come back with its identity after occlusion.
 * Association never pairs different classes.
 */
export type Box = { x: number; y: number; width: number; height: number };
/** `appearance`: the box's colour signature (./appearance.ts), when the worker sent one. */
export type TrackInput = { box: Box; score: number; label: string; appearance?: number[] };

export type TrackerOptions = {
  /** Detections at or above this score take part in the first association. */
  highThreshold: number;
  /** Detections below this are ignored altogether. */
  lowThreshold: number;
  /** An unmatched high detection starts a track only at or above this score. */
  newTrackThreshold: number;
  /** Largest cost (1 - IoU·score) of a first-round match. */
  matchThreshold: number;
  /** Largest cost (1 - IoU) of a second-round match with a low detection. */
  secondMatchThreshold: number;
  /** Largest cost of matching a track seen only once. */
  unconfirmedMatchThreshold: number;
  /** Frames a lost track is remembered. */
  trackBuffer: number;
  /**
   * A detection that looks this different (./appearance.ts) from how a track has looked is
   * never that track, however well the boxes overlap: two people crossing keep their ids.
   * Wide on purpose: a box half hidden behind someone shows some of them.
   */
  maxAppearanceDistance: number;
};

/**
 * ByteTrack's paper uses 0.5 and 0.6 for the high and new-track gates, for detectors that score
 * people 0.8-0.9. Ours (CenterNet on 512 px) scores real people 0.3-0.65: at the paper's gates a
 * person was untracked for the first second after entering and whenever partly hidden
 * (eval:analysis, README "Accuracy"). The gates here let those in; what keeps a low-score
 * false alarm out is the confirmation in ./video-tracker.ts. With the cost 1 - IoU x score, a
 * 0.35 box needs the looser match gate to be matched at all.
 */
export const defaultTrackerOptions: TrackerOptions = {
  highThreshold: 0.3,
  lowThreshold: 0.1,
  newTrackThreshold: 0.35,
  matchThreshold: 0.9,
  secondMatchThreshold: 0.5,
  unconfirmedMatchThreshold: 0.8,
  trackBuffer: 30,
  maxAppearanceDistance: 0.3,
};

type Status = "tracked" | "lost" | "removed";

class Track {
  status: Status = "tracked";
  confirmed: boolean;
  lastFrame: number;
  hits = 1;
  /** How the track has looked: a running mean of its boxes' signatures (recent ones weigh more). */
  appearance?: number[];

  constructor(
    readonly id: number,
    readonly label: string,
    public kalman: KalmanState,
    public score: number,
    readonly startFrame: number,
    confirmedAtBirth: boolean,
  ) {
    this.lastFrame = startFrame;
    this.confirmed = confirmedAtBirth;
  }

  look(appearance: number[] | undefined): void {
    if (!appearance) return;
    this.appearance = this.appearance ? this.appearance.map((value, i) => 0.8 * value + 0.2 * (appearance[i] ?? value)) : [...appearance];
  }

  get box(): Box {
    const [cx, cy, aspect, h] = this.kalman.mean;
    const w = aspect * h;
    return { x: cx - w / 2, y: cy - h / 2, width: w, height: h };
  }

  observe(input: TrackInput, frame: number): void {
    this.kalman = update(this.kalman, toMeasurement(input.box));
    this.score = input.score;
    this.lastFrame = frame;
    this.status = "tracked";
    this.confirmed = true;
    this.hits += 1;
    this.look(input.appearance);
  }
}

export class ByteTracker {
  private readonly options: TrackerOptions;
  private tracks: Track[] = [];
  private nextId = 1;
  private frame = 0;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.options = { ...defaultTrackerOptions, ...options };
  }

  /**
   * Feeds one frame's detections (frames in order, none skipped: a frame without detections
   * is an empty array). Returns the track id given to each detection, or null.
   */
  update(inputs: TrackInput[]): (number | null)[] {
    const o = this.options;
    this.frame += 1;
    const frame = this.frame;
    const result: (number | null)[] = inputs.map(() => null);

    const high: number[] = [];
    const low: number[] = [];
    inputs.forEach((input, i) => {
      if (input.box.width <= 0 || input.box.height <= 0) return;
      if (input.score >= o.highThreshold) high.push(i);
      else if (input.score >= o.lowThreshold) low.push(i);
    });

    for (const track of this.tracks) track.kalman = predict(track.kalman);
    const confirmed = this.tracks.filter((t) => t.confirmed && t.status !== "removed");
    const unconfirmed = this.tracks.filter((t) => !t.confirmed && t.status === "tracked");

    // 1. Confirmed tracks (tracked or lost) against high-score detections.
    const first = assign(costMatrix(confirmed, high.map((i) => inputs[i]), true, o.maxAppearanceDistance), high.length, o.matchThreshold);
    for (const [t, d] of first.matches) {
      confirmed[t].observe(inputs[high[d]], frame);
      result[high[d]] = confirmed[t].id;
    }

    // 2. Tracks still unmatched and currently tracked, against low-score detections.
    const remaining = first.unmatchedRows.map((t) => confirmed[t]).filter((t) => t.status === "tracked");
    const second = assign(costMatrix(remaining, low.map((i) => inputs[i]), false, o.maxAppearanceDistance), low.length, o.secondMatchThreshold);
    for (const [t, d] of second.matches) {
      remaining[t].observe(inputs[low[d]], frame);
      result[low[d]] = remaining[t].id;
    }
    for (const t of second.unmatchedRows) remaining[t].status = "lost";

    // 3. Tracks seen once get one chance at the high detections nobody took; then they go.
    const leftHigh = first.unmatchedCols.map((d) => high[d]);
    const third = assign(costMatrix(unconfirmed, leftHigh.map((i) => inputs[i]), true, o.maxAppearanceDistance), leftHigh.length, o.unconfirmedMatchThreshold);
    for (const [t, d] of third.matches) {
      unconfirmed[t].observe(inputs[leftHigh[d]], frame);
      result[leftHigh[d]] = unconfirmed[t].id;
    }
    for (const t of third.unmatchedRows) unconfirmed[t].status = "removed";

    // 4. New tracks from confident detections nobody claimed. On the first frame they count
    //    as confirmed at once; later they must be seen twice.
    for (const d of third.unmatchedCols) {
      const input = inputs[leftHigh[d]];
      if (input.score < o.newTrackThreshold) continue;
      const track = new Track(this.nextId++, input.label, initiate(toMeasurement(input.box)), input.score, frame, frame === 1);
      track.look(input.appearance);
      this.tracks.push(track);
      result[leftHigh[d]] = track.id;
    }

    // 5. Forget tracks lost for longer than the buffer.
    for (const track of this.tracks) {
      if (track.status === "lost" && frame - track.lastFrame > o.trackBuffer) track.status = "removed";
    }
    this.tracks = this.tracks.filter((t) => t.status !== "removed");
    return result;
  }

  /** Tracks currently followed (for drawing or debugging). */
  activeTracks(): { id: number; label: string; box: Box; lost: boolean }[] {
    return this.tracks.filter((t) => t.confirmed).map((t) => ({ id: t.id, label: t.label, box: t.box, lost: t.status === "lost" }));
  }
}

function toMeasurement(box: Box): number[] {
  return [box.x + box.width / 2, box.y + box.height / 2, box.width / box.height, box.height];
}

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * 1 - IoU (times the detection score when `fuseScore`); another class, or a box that looks
 * nothing like the track (`maxAppearance`), is never a match.
 */
function costMatrix(tracks: Track[], inputs: TrackInput[], fuseScore: boolean, maxAppearance: number): number[][] {
  return tracks.map((track) => {
    const box = track.box;
    return inputs.map((input) => {
      if (input.label !== track.label) return Infinity;
      if (track.appearance && input.appearance && appearanceDistance(track.appearance, input.appearance) > maxAppearance) return Infinity;
      return 1 - iou(box, input.box) * (fuseScore ? input.score : 1);
    });
  });
}
