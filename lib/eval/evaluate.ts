import { detectEvents, type EventRules, type TrackedFrame, type Zone } from "@/lib/analysis/events/detect-events";
import { insidePolygon } from "@/lib/analysis/zone-geometry";
import { VideoTracker, type TrackRecord, type TrackingSummary, type VideoFrame, type VideoTrackerOptions } from "@/lib/tracking/video-tracker";
import { detectionMetrics, eventMetrics, trackingMetrics, type MatchCounts, type PointEvent, type TruthBox } from "./metrics";

/**
 * The evaluation's view of the analysis: the detector's boxes in, what a job would report out,
 * scored against ground truth. Detection is the caller's (scripts/eval-analysis.ts runs the
 * worker's own models); everything after it is the product's code, called as a job calls it.
 */
export type InterpretOptions = { tracking: VideoTrackerOptions; rules: EventRules; frameSize: { width: number; height: number }; zones?: Zone[] };

export type Interpretation = {
  /** Every sampled frame with the boxes a job reports (tracked ones) and their track ids. */
  frames: TrackedFrame[];
  tracks: TrackRecord[];
  summary: TrackingSummary;
  events: ReturnType<typeof detectEvents>;
};

export function interpretDetections(frames: VideoFrame[], options: InterpretOptions): Interpretation {
  const tracker = new VideoTracker({ ...options.tracking, frameSize: options.frameSize });
  const refs = frames.map((frame, f) => frame.detections.map((_, i) => f * 10_000 + i));
  frames.forEach((frame, f) => tracker.push(frame, refs[f]));
  const { trackOf, tracks, summary } = tracker.finish();
  const tracked: TrackedFrame[] = frames.map((frame, f) => ({
    index: frame.index,
    timestamp: frame.timestamp,
    detections: frame.detections.flatMap((d, i) => {
      const trackId = trackOf.get(refs[f][i]);
      return trackId === undefined ? [] : [{ ...d, trackId }];
    }),
  }));
  return { frames: tracked, tracks, summary, events: detectEvents(tracked, options.rules, options.frameSize, options.zones) };
}

/** Entering and leaving as one point per person: a merged group event counts each of its tracks. */
export function personCrossings(result: Interpretation): PointEvent[] {
  const byId = new Map(result.tracks.map((track) => [track.trackId, track]));
  return result.events.flatMap((event) => {
    if (event.label !== "person entering" && event.label !== "person leaving") return [];
    return event.trackIds.map((id) => {
      const track = byId.get(id);
      const time = !track ? event.start : event.label === "person entering" ? track.startTime : track.endTime;
      return { label: event.label, time };
    });
  });
}

/** Zone crossings as points: `zone entered` and `zone left`, each with its zone. */
export function zoneCrossings(result: Interpretation): PointEvent[] {
  return result.events.flatMap((event) => (event.label === "zone entered" || event.label === "zone left" ? [{ label: event.label, time: event.start, zone: event.zone }] : []));
}

/**
 * The exact zone crossings of a clip's truth: where each person's feet (box bottom centre)
 * cross a zone's boundary. Frames where a person is hidden keep the side they were last on.
 */
export function truthZoneCrossings(truth: TruthClip, frameSize: { width: number; height: number }, zones: Zone[]): PointEvent[] {
  const events: PointEvent[] = [];
  for (const zone of zones) {
    const side = new Map<number, boolean>();
    for (const frame of truth.frames) {
      for (const object of frame.objects) {
        if (object.label !== "person") continue;
        const inside = insidePolygon((object.box.x + object.box.width / 2) / frameSize.width, (object.box.y + object.box.height) / frameSize.height, zone.points);
        const was = side.get(object.id);
        if (was !== undefined && was !== inside) events.push({ label: inside ? "zone entered" : "zone left", time: frame.timestamp, zone: zone.name });
        side.set(object.id, inside);
      }
    }
  }
  return events;
}

export type LabelledFrame = { index: number; boxes: TruthBox[] };

/** Detection scores on labelled frames: `pick` chooses which of a sampled frame's boxes count. */
export function scoreLabelledFrames(
  truth: LabelledFrame[],
  predicted: Map<number, { label: string; score: number; box: TruthBox["box"] }[]>,
  classes: string[],
): Record<string, MatchCounts> {
  const pairs = truth.map((frame) => ({ truth: frame.boxes, predicted: predicted.get(frame.index) ?? [] }));
  return detectionMetrics(pairs, { classes }).perClass;
}

export type TruthClip = {
  frames: { index: number; timestamp: number; objects: { id: number; label: string; box: TruthBox["box"] }[] }[];
  events: PointEvent[];
};

export type ClipScores = {
  truthTracks: number;
  predictedTracks: number;
  idf1: number;
  idSwitches: number;
  fragmentsPerTrack: number;
  crossings: { entering: MatchCounts; leaving: MatchCounts };
  /** Zone entered and zone left, against the truth's exact crossings. */
  zones: MatchCounts;
  /** Every event the job reported, of any label (the empty scene must have none). */
  events: number;
};

export function scoreClip(truth: TruthClip, result: Interpretation, zoneTruth: PointEvent[] = []): ClipScores {
  const sampled = new Map(result.frames.map((frame) => [frame.index, frame]));
  const pairs = truth.frames.flatMap((frame) => {
    const seen = sampled.get(frame.index);
    if (!seen) return [];
    return [
      {
        truth: frame.objects.filter((o) => o.label === "person").map((o) => ({ id: o.id, box: o.box })),
        predicted: seen.detections.filter((d) => d.label === "person").map((d) => ({ id: d.trackId ?? -1, box: d.box })),
      },
    ];
  });
  const tracking = trackingMetrics(pairs);
  const events = eventMetrics(truth.events, personCrossings(result));
  const zero: MatchCounts = { tp: 0, fp: 0, fn: 0, precision: 1, recall: 1 };
  return {
    truthTracks: tracking.truthTracks,
    predictedTracks: tracking.predictedTracks,
    idf1: tracking.idf1,
    idSwitches: tracking.idSwitches,
    fragmentsPerTrack: tracking.fragmentsPerTrack,
    crossings: { entering: events.perLabel["person entering"] ?? zero, leaving: events.perLabel["person leaving"] ?? zero },
    zones: eventMetrics(zoneTruth, zoneCrossings(result)).all,
    events: result.events.length,
  };
}

/** The verdicts of a job's reviewed events, as `GET /api/jobs/{id}/events/reviewed?format=coco` gives them. */
export type ReviewedCoco = { annotations: { attributes: { verdict: "confirmed" | "false_positive"; event_label: string; event_id: string } }[] };

/**
 * Event precision from people's reviews: per event label, confirmed / (confirmed + false
 * positives), each event counted once however many boxes it drew. Recall cannot be read from
 * reviews (nobody reviews an event that was never reported).
 */
export function reviewedPrecision(files: ReviewedCoco[]): Record<string, { confirmed: number; falsePositive: number; precision: number }> {
  const verdicts = new Map<string, { label: string; verdict: string }>();
  for (const file of files) for (const { attributes } of file.annotations) verdicts.set(attributes.event_id, { label: attributes.event_label, verdict: attributes.verdict });
  const out: Record<string, { confirmed: number; falsePositive: number; precision: number }> = {};
  for (const { label, verdict } of verdicts.values()) {
    out[label] ??= { confirmed: 0, falsePositive: 0, precision: 1 };
    if (verdict === "confirmed") out[label].confirmed += 1;
    else out[label].falsePositive += 1;
  }
  for (const counts of Object.values(out)) counts.precision = counts.confirmed / (counts.confirmed + counts.falsePositive);
  return out;
}
