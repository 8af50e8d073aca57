import { assign } from "@/lib/tracking/assignment";
import { iou, type Box } from "@/lib/tracking/bytetrack";
import { AppError } from "@/lib/errors";

/**
 * Evaluation metrics: how close detections, tracks and events come to ground truth.
 *
 * Ratios whose denominator is zero are defined, not NaN, so that a report can always be
 * serialized: precision with no predictions and recall with no truth are 1 (nothing claimed is
 * wrong, nothing true was missed). The one exception is MOTA, which the formula makes -Infinity
 * when there is no truth but there are false positives; see `trackingMetrics`.
 */
export type { Box };

/** A ground-truth box. `difficult` boxes (VOC) may be found or missed without penalty. */
export type TruthBox = { label: string; box: Box; difficult?: boolean };
export type PredictedBox = { label: string; score: number; box: Box };

/** Matched (tp), spurious (fp) and missed (fn) counts with their ratios. */
export type MatchCounts = { tp: number; fp: number; fn: number; precision: number; recall: number };

export type DetectionOptions = {
  /** A prediction and a truth box match at IoU >= this. Default 0.5 (PASCAL VOC). */
  iouThreshold?: number;
  /** Classes to report. Default: every label seen in truth or predictions; others are ignored. */
  classes?: string[];
};

/**
 * Per-class detection counts at a single IoU threshold, over frames evaluated independently
 * (a prediction never matches a truth box of another frame or another class).
 *
 * Matching is greedy by descending score, as in PASCAL VOC and COCO: each prediction takes the
 * unmatched, non-difficult truth box it overlaps most (IoU >= threshold) and is a TP. A
 * prediction with no such box but overlapping a difficult box at IoU >= threshold is ignored
 * (neither TP nor FP; a difficult box may absorb several), otherwise it is an FP. Unmatched
 * normal truth boxes are FN; unmatched difficult boxes are not counted.
 *
 * precision = tp / (tp + fp), 1 when there are no counted predictions;
 * recall = tp / (tp + fn), 1 when there is no (non-difficult) truth.
 */
export function detectionMetrics(
  frames: { truth: TruthBox[]; predicted: PredictedBox[] }[],
  options: DetectionOptions = {},
): { perClass: Record<string, MatchCounts> } {
  const threshold = options.iouThreshold ?? 0.5;
  const classes = options.classes ?? labelsSeen(frames);
  const perClass: Record<string, MatchCounts> = {};
  for (const label of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const frame of frames) {
      const counts = matchFrameClass(
        frame.truth.filter((t) => t.label === label),
        frame.predicted.filter((p) => p.label === label),
        threshold,
      );
      tp += counts.tp;
      fp += counts.fp;
      fn += counts.fn;
    }
    perClass[label] = withRatios(tp, fp, fn);
  }
  return { perClass };
}

function labelsSeen(frames: { truth: TruthBox[]; predicted: PredictedBox[] }[]): string[] {
  const labels = new Set<string>();
  for (const frame of frames) {
    for (const t of frame.truth) labels.add(t.label);
    for (const p of frame.predicted) labels.add(p.label);
  }
  return [...labels].sort();
}

function matchFrameClass(truth: TruthBox[], predicted: PredictedBox[], threshold: number) {
  const normal = truth.filter((t) => !t.difficult);
  const difficult = truth.filter((t) => t.difficult);
  const taken = new Array<boolean>(normal.length).fill(false);
  // Array.prototype.sort is stable, so equal scores keep the caller's order.
  const byScore = [...predicted].sort((a, b) => b.score - a.score);
  let tp = 0;
  let fp = 0;
  for (const prediction of byScore) {
    let best = -1;
    let bestIou = -Infinity;
    normal.forEach((t, i) => {
      if (taken[i]) return;
      const overlap = iou(prediction.box, t.box);
      if (overlap >= threshold && overlap > bestIou) {
        best = i;
        bestIou = overlap;
      }
    });
    if (best >= 0) {
      taken[best] = true;
      tp++;
    } else if (!difficult.some((t) => iou(prediction.box, t.box) >= threshold)) {
      fp++;
    }
  }
  return { tp, fp, fn: normal.length - tp };
}

function withRatios(tp: number, fp: number, fn: number): MatchCounts {
  return { tp, fp, fn, precision: ratio(tp, tp + fp, 1), recall: ratio(tp, tp + fn, 1) };
}

function ratio(numerator: number, denominator: number, whenEmpty: number): number {
  return denominator === 0 ? whenEmpty : numerator / denominator;
}

/** An object in one frame; the id is the identity across frames (truth) or the tracker's id. */
export type TrackedObject = { id: number | string; box: Box };
type Id = TrackedObject["id"];

export type TrackingMetrics = {
  /** Identity F1 = 2 IDTP / (2 IDTP + IDFP + IDFN) (Ristani et al. 2016). */
  idf1: number;
  /** Identity precision, IDTP / (IDTP + IDFP). */
  idp: number;
  /** Identity recall, IDTP / (IDTP + IDFN). */
  idr: number;
  /** Detections on which the identity assigned to their trajectory agrees. */
  idtp: number;
  idfp: number;
  idfn: number;
  /** Truth objects matched to another predicted id than the one they were last matched to. */
  idSwitches: number;
  /** Times a truth trajectory went from tracked to untracked and was later tracked again. */
  fragments: number;
  /** Distinct truth ids. */
  truthTracks: number;
  /** Distinct predicted ids. */
  predictedTracks: number;
  /** fragments / truthTracks, 0 with no truth tracks. */
  fragmentsPerTrack: number;
  /** 1 - (FN + FP + IDSW) / truth objects (CLEAR MOT). */
  mota: number;
  /** Number (not share) of truth tracks matched in at least 80% of the frames they appear in. */
  mostlyTracked: number;
};

/**
 * MOT metrics over a sequence, one entry per frame in order.
 *
 * IDF1 comes from the global one-to-one assignment of truth to predicted trajectories that
 * maximises IDTP, where a pair scores one for each frame in which both are present with
 * IoU >= threshold.
 *
 * ID switches, fragments, MOTA and mostly tracked follow CLEAR MOT as the MOTChallenge devkit and
 * py-motmetrics compute them: in each frame a truth object keeps the prediction it was last
 * matched to while their IoU still passes, the rest are paired by an optimal (Hungarian)
 * assignment on 1 - IoU that first maximises the number of pairs. With no truth at all MOTA is
 * 1 when nothing was predicted and -Infinity otherwise, as the formula gives.
 *
 * Ids must be unique within a frame; 1 and "1" are different ids.
 */
export function trackingMetrics(
  frames: { truth: TrackedObject[]; predicted: TrackedObject[] }[],
  options: { iouThreshold?: number } = {},
): TrackingMetrics {
  const threshold = options.iouThreshold ?? 0.5;
  frames.forEach((frame, index) => {
    requireUniqueIds(frame.truth, "truth", index);
    requireUniqueIds(frame.predicted, "predicted", index);
  });
  const identity = identityMetrics(frames, threshold);
  const clear = clearMetrics(frames, threshold);
  const truthTracks = new Set(frames.flatMap((f) => f.truth.map((o) => o.id))).size;
  const predictedTracks = new Set(frames.flatMap((f) => f.predicted.map((o) => o.id))).size;
  return {
    ...identity,
    ...clear,
    truthTracks,
    predictedTracks,
    fragmentsPerTrack: ratio(clear.fragments, truthTracks, 0),
  };
}

function requireUniqueIds(objects: TrackedObject[], side: string, frame: number): void {
  const seen = new Set<Id>();
  for (const o of objects) {
    if (seen.has(o.id)) throw new AppError("bad_request", `${side} id ${o.id} appears twice in frame ${frame}`);
    seen.add(o.id);
  }
}

function identityMetrics(frames: { truth: TrackedObject[]; predicted: TrackedObject[] }[], threshold: number) {
  const truthIds: Id[] = [];
  const predictedIds: Id[] = [];
  const truthIndex = new Map<Id, number>();
  const predictedIndex = new Map<Id, number>();
  const together = new Map<string, number>(); // "row,col" -> frames where the pair overlaps
  let truthCount = 0;
  let predictedCount = 0;
  for (const frame of frames) {
    truthCount += frame.truth.length;
    predictedCount += frame.predicted.length;
    const cols = frame.predicted.map((p) => indexOf(predictedIndex, predictedIds, p.id));
    for (const t of frame.truth) {
      const row = indexOf(truthIndex, truthIds, t.id);
      frame.predicted.forEach((p, j) => {
        if (iou(t.box, p.box) < threshold) return;
        const key = `${row},${cols[j]}`;
        together.set(key, (together.get(key) ?? 0) + 1);
      });
    }
  }
  // Every cell is allowed (cost 0 for pairs never together) so that `assign` does not put
  // maximising the number of pairs before their total: padding then costs the same in every
  // assignment and the minimum of -frames is the maximum IDTP.
  const cost = truthIds.map((_, row) => predictedIds.map((_, col) => -(together.get(`${row},${col}`) ?? 0)));
  const { matches } = assign(cost, predictedIds.length, 0);
  const idtp = matches.reduce((sum, [row, col]) => sum - cost[row][col], 0);
  const idfp = predictedCount - idtp;
  const idfn = truthCount - idtp;
  return {
    idf1: ratio(2 * idtp, 2 * idtp + idfp + idfn, 1),
    idp: ratio(idtp, idtp + idfp, 1),
    idr: ratio(idtp, idtp + idfn, 1),
    idtp,
    idfp,
    idfn,
  };
}

function indexOf(index: Map<Id, number>, ids: Id[], id: Id): number {
  let i = index.get(id);
  if (i === undefined) {
    i = ids.length;
    ids.push(id);
    index.set(id, i);
  }
  return i;
}

function clearMetrics(frames: { truth: TrackedObject[]; predicted: TrackedObject[] }[], threshold: number) {
  const lastMatch = new Map<Id, Id>(); // truth id -> predicted id it was last matched to, ever
  const trackedBefore = new Set<Id>(); // truth ids matched at least once
  const missedSinceTracked = new Set<Id>(); // truth ids present but unmatched since their last match
  const present = new Map<Id, number>();
  const tracked = new Map<Id, number>();
  let fn = 0;
  let fp = 0;
  let idSwitches = 0;
  let fragments = 0;
  let truthCount = 0;
  for (const frame of frames) {
    truthCount += frame.truth.length;
    const overlap = frame.truth.map((t) => frame.predicted.map((p) => iou(t.box, p.box)));
    const matched = new Map<number, number>(); // truth index -> predicted index
    const usedPredictions = new Set<number>();

    // A correspondence that still holds is kept even if another prediction now fits better:
    // that is what stops a crossing from counting as a switch while the old pair still overlaps.
    frame.truth.forEach((t, i) => {
      const previous = lastMatch.get(t.id);
      if (previous === undefined) return;
      const j = frame.predicted.findIndex((p) => p.id === previous);
      if (j >= 0 && overlap[i][j] >= threshold) {
        matched.set(i, j);
        usedPredictions.add(j);
      }
    });

    const freeTruth = frame.truth.map((_, i) => i).filter((i) => !matched.has(i));
    const freePredicted = frame.predicted.map((_, j) => j).filter((j) => !usedPredictions.has(j));
    // Infinity marks pairs below the IoU threshold: `assign` forbids them, and because it pays a
    // large price for every unpaired row, it maximises the number of pairs first, as the devkit does.
    const cost = freeTruth.map((i) =>
      freePredicted.map((j) => (overlap[i][j] >= threshold ? 1 - overlap[i][j] : Infinity)),
    );
    for (const [row, col] of assign(cost, freePredicted.length, 1).matches) {
      const i = freeTruth[row];
      const j = freePredicted[col];
      matched.set(i, j);
      usedPredictions.add(j);
      const previous = lastMatch.get(frame.truth[i].id);
      if (previous !== undefined && previous !== frame.predicted[j].id) idSwitches++;
    }

    frame.truth.forEach((t, i) => {
      present.set(t.id, (present.get(t.id) ?? 0) + 1);
      const j = matched.get(i);
      if (j === undefined) {
        fn++;
        if (trackedBefore.has(t.id)) missedSinceTracked.add(t.id);
        return;
      }
      if (missedSinceTracked.delete(t.id)) fragments++;
      trackedBefore.add(t.id);
      tracked.set(t.id, (tracked.get(t.id) ?? 0) + 1);
      lastMatch.set(t.id, frame.predicted[j].id);
    });
    fp += frame.predicted.length - usedPredictions.size;
  }
  const errors = fn + fp + idSwitches;
  const mota = truthCount > 0 ? 1 - errors / truthCount : errors === 0 ? 1 : -Infinity;
  let mostlyTracked = 0;
  for (const [id, frameCount] of present) {
    // 5·tracked >= 4·present is "at least 80%" without 0.8 rounding at exactly 80%.
    if (5 * (tracked.get(id) ?? 0) >= 4 * frameCount) mostlyTracked++;
  }
  return { idSwitches, fragments, mota, mostlyTracked };
}

/** An event at a point in time, optionally in a named zone. */
export type PointEvent = { label: string; time: number; zone?: string };

/**
 * Event detection counts. A predicted and a true event match when their labels and zones agree
 * (an event without a zone only matches one without a zone) and their times differ by at most
 * `tolerance` seconds (default 1). Matching is one to one and maximises the number of matches.
 * Counts are reported per label (all zones together) and over everything; ratios as in
 * `detectionMetrics`.
 */
export function eventMetrics(
  truth: PointEvent[],
  predicted: PointEvent[],
  options: { tolerance?: number } = {},
): { perLabel: Record<string, MatchCounts>; all: MatchCounts } {
  const tolerance = options.tolerance ?? 1;
  const truthGroups = groupByLabelAndZone(truth);
  const predictedGroups = groupByLabelAndZone(predicted);
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  for (const key of new Set([...truthGroups.keys(), ...predictedGroups.keys()])) {
    const t = truthGroups.get(key) ?? [];
    const p = predictedGroups.get(key) ?? [];
    const tp = countTimeMatches(t.map((e) => e.time), p.map((e) => e.time), tolerance);
    const label = (t[0] ?? p[0]).label;
    const sum = counts.get(label) ?? { tp: 0, fp: 0, fn: 0 };
    counts.set(label, { tp: sum.tp + tp, fp: sum.fp + p.length - tp, fn: sum.fn + t.length - tp });
  }
  const perLabel: Record<string, MatchCounts> = {};
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const label of [...counts.keys()].sort()) {
    const c = counts.get(label)!;
    perLabel[label] = withRatios(c.tp, c.fp, c.fn);
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
  }
  return { perLabel, all: withRatios(tp, fp, fn) };
}

function groupByLabelAndZone(events: PointEvent[]): Map<string, PointEvent[]> {
  const groups = new Map<string, PointEvent[]>();
  for (const event of events) {
    // JSON keeps label and zone apart whatever characters they contain.
    const key = JSON.stringify([event.label, event.zone ?? null]);
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  return groups;
}

/**
 * Largest one-to-one matching of truth times to predicted times at most `tolerance` apart.
 * Every truth's window has the same width, so windows start and end in the same order; giving
 * each truth, earliest first, the earliest prediction still free in its window is then optimal
 * (a prediction it skips is too early for every later truth too), in O(n log n) instead of a
 * cubic assignment. It maximises the count only, not closeness.
 */
function countTimeMatches(truth: number[], predicted: number[], tolerance: number): number {
  const t = [...truth].sort((a, b) => a - b);
  const p = [...predicted].sort((a, b) => a - b);
  let next = 0;
  let matches = 0;
  for (const time of t) {
    while (next < p.length && time - p[next] > tolerance) next++;
    if (next < p.length && p[next] - time <= tolerance) {
      matches++;
      next++;
    }
  }
  return matches;
}
