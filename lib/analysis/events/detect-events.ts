import { z } from "zod";
import type { Box } from "../tracking/bytetrack";

/**
 * Activity events for cabin monitoring: rules over tracked detections. Each rule marks the
 * sampled frames where it holds; runs of such frames (gaps up to `mergeGapSeconds` bridged)
 * lasting at least the rule's minimum become events, and overlapping events of one label merge.
 */
export type TrackedDetection = { label: string; score: number; box: Box; trackId: number | null };
export type TrackedFrame = { index: number; timestamp: number; detections: TrackedDetection[] };

export type ActivityEvent = {
  label: string;
  start: number;
  end: number;
  trackIds: number[];
  confidence: number;
  /** The sampled frame that shows the event best, and the boxes to draw on it. */
  bestFrame: { index: number; timestamp: number; boxes: { label: string; score: number; box: Box; trackId: number | null }[] };
};

export const eventRulesSchema = z
  .object({
    personPresent: z.union([z.literal(false), z.object({ minSeconds: z.number().min(0).default(1) })]).default({ minSeconds: 1 }),
    phoneUse: z
      .union([z.literal(false), z.object({ minSeconds: z.number().min(0).default(2), minOverlap: z.number().min(0).max(1).default(0.5) })])
      .default({ minSeconds: 2, minOverlap: 0.5 }),
    eatingDrinking: z
      .union([z.literal(false), z.object({ minSeconds: z.number().min(0).default(1), minOverlap: z.number().min(0).max(1).default(0.3) })])
      .default({ minSeconds: 1, minOverlap: 0.3 }),
    entering: z.boolean().default(true),
    leaving: z.boolean().default(true),
    classVisible: z
      .array(z.object({ class: z.string().min(1), minSeconds: z.number().min(0).default(2), label: z.string().optional() }))
      .default([]),
    mergeGapSeconds: z.number().min(0).default(1.5),
    /** A person track shorter than this never counts as entering or leaving. */
    minTrackSeconds: z.number().min(0).default(2),
  })
  .strict();

export type EventRules = z.output<typeof eventRulesSchema>;
export const defaultEventRules: EventRules = eventRulesSchema.parse({});

const handheld = new Set(["cell phone"]);
const foodAndDrink = new Set(["cup", "bottle", "wine glass", "sandwich", "banana", "apple", "donut", "pizza", "hot dog", "cake", "orange", "bowl"]);

type Hit = { frame: TrackedFrame; involved: TrackedDetection[] };

export function detectEvents(frames: TrackedFrame[], rules: EventRules = defaultEventRules): ActivityEvent[] {
  const ordered = [...frames].sort((a, b) => a.timestamp - b.timestamp);
  const step = samplingStep(ordered);
  const events: ActivityEvent[] = [];
  const intervals = (label: string, minSeconds: number, hits: (Hit | null)[]) =>
    events.push(...toIntervals(label, ordered, hits, minSeconds, rules.mergeGapSeconds, step));

  if (rules.personPresent) {
    intervals("person", rules.personPresent.minSeconds, ordered.map((frame) => hitOf(frame, frame.detections.filter(isPerson))));
  }
  if (rules.phoneUse) {
    const { minSeconds, minOverlap } = rules.phoneUse;
    intervals("phone use", minSeconds, ordered.map((frame) => heldBy(frame, handheld, minOverlap)));
  }
  if (rules.eatingDrinking) {
    const { minSeconds, minOverlap } = rules.eatingDrinking;
    intervals("eating or drinking", minSeconds, ordered.map((frame) => heldBy(frame, foodAndDrink, minOverlap)));
  }
  for (const rule of rules.classVisible) {
    const label = rule.label ?? `${rule.class} visible`;
    intervals(label, rule.minSeconds, ordered.map((frame) => hitOf(frame, frame.detections.filter((d) => d.label === rule.class))));
  }
  if (rules.entering || rules.leaving) events.push(...entriesAndExits(ordered, rules, step));
  return mergeOverlapping(events).sort((a, b) => a.start - b.start || a.label.localeCompare(b.label));
}

function isPerson(detection: TrackedDetection): boolean {
  return detection.label === "person";
}

function hitOf(frame: TrackedFrame, involved: TrackedDetection[]): Hit | null {
  return involved.length ? { frame, involved } : null;
}

/** An object of `classes` whose box lies, for at least `minOverlap` of its area, on a person. */
function heldBy(frame: TrackedFrame, classes: Set<string>, minOverlap: number): Hit | null {
  const people = frame.detections.filter(isPerson);
  const involved: TrackedDetection[] = [];
  for (const object of frame.detections.filter((d) => classes.has(d.label))) {
    const holder = people.find((person) => overlapOf(object.box, person.box) >= minOverlap);
    if (holder) involved.push(object, holder);
  }
  return hitOf(frame, [...new Set(involved)]);
}

/** Share of `inner`'s area that lies inside `outer`. */
export function overlapOf(inner: Box, outer: Box): number {
  const w = Math.min(inner.x + inner.width, outer.x + outer.width) - Math.max(inner.x, outer.x);
  const h = Math.min(inner.y + inner.height, outer.y + outer.height) - Math.max(inner.y, outer.y);
  const area = inner.width * inner.height;
  return w > 0 && h > 0 && area > 0 ? (w * h) / area : 0;
}

function samplingStep(frames: TrackedFrame[]): number {
  if (frames.length < 2) return 0;
  const gaps = frames.slice(1).map((frame, i) => frame.timestamp - frames[i].timestamp).sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}

function toIntervals(
  label: string,
  frames: TrackedFrame[],
  hits: (Hit | null)[],
  minSeconds: number,
  mergeGap: number,
  step: number,
): ActivityEvent[] {
  const runs: Hit[][] = [];
  let current: Hit[] = [];
  for (const hit of hits) {
    if (!hit) continue;
    const last = current[current.length - 1];
    if (last && hit.frame.timestamp - last.frame.timestamp > mergeGap + step) {
      runs.push(current);
      current = [];
    }
    current.push(hit);
  }
  if (current.length) runs.push(current);
  return runs
    .map((run) => toEvent(label, run, step))
    .filter((event) => event.end - event.start >= minSeconds);
}

/** A sampled frame stands for the time until the next sample, so a run ends one step later. */
function toEvent(label: string, run: Hit[], step: number): ActivityEvent {
  const best = run.reduce((a, b) => (meanScore(b.involved) > meanScore(a.involved) ? b : a));
  const trackIds = [...new Set(run.flatMap((hit) => hit.involved.map((d) => d.trackId)).filter((id): id is number => id !== null))];
  return {
    label,
    start: run[0].frame.timestamp,
    end: run[run.length - 1].frame.timestamp + step,
    trackIds: trackIds.sort((a, b) => a - b),
    confidence: round(run.reduce((sum, hit) => sum + Math.max(...hit.involved.map((d) => d.score)), 0) / run.length),
    bestFrame: { index: best.frame.index, timestamp: best.frame.timestamp, boxes: best.involved },
  };
}

/**
 * A person track that starts after the video does entered; one that ends before it, left.
 * Tracks shorter than `minTrackSeconds` are flickers, not people; entries (and exits) close
 * together in time become one event, as a group boarding does.
 */
function entriesAndExits(frames: TrackedFrame[], rules: EventRules, step: number): ActivityEvent[] {
  if (frames.length === 0) return [];
  const first = frames[0].timestamp;
  const last = frames[frames.length - 1].timestamp;
  const spans = new Map<number, { firstHit: Hit; lastHit: Hit }>();
  for (const frame of frames) {
    for (const detection of frame.detections) {
      if (!isPerson(detection) || detection.trackId === null) continue;
      const hit = { frame, involved: [detection] };
      const span = spans.get(detection.trackId);
      if (span) span.lastHit = hit;
      else spans.set(detection.trackId, { firstHit: hit, lastHit: hit });
    }
  }
  const people = [...spans.values()].filter((span) => span.lastHit.frame.timestamp - span.firstHit.frame.timestamp >= rules.minTrackSeconds);
  const hitsAt = (pick: (span: { firstHit: Hit; lastHit: Hit }) => Hit | null) => {
    const byFrame = new Map<TrackedFrame, Hit>();
    for (const span of people) {
      const hit = pick(span);
      if (!hit) continue;
      const existing = byFrame.get(hit.frame);
      byFrame.set(hit.frame, existing ? { frame: hit.frame, involved: [...existing.involved, ...hit.involved] } : hit);
    }
    return frames.map((frame) => byFrame.get(frame) ?? null);
  };
  const events: ActivityEvent[] = [];
  if (rules.entering) {
    const hits = hitsAt((span) => (span.firstHit.frame.timestamp > first + step ? span.firstHit : null));
    events.push(...toIntervals("person entering", frames, hits, 0, rules.mergeGapSeconds, step));
  }
  if (rules.leaving) {
    const hits = hitsAt((span) => (span.lastHit.frame.timestamp < last - step ? span.lastHit : null));
    events.push(...toIntervals("person leaving", frames, hits, 0, rules.mergeGapSeconds, step));
  }
  return events;
}

/** Events of one label that overlap or touch become one. */
function mergeOverlapping(events: ActivityEvent[]): ActivityEvent[] {
  const byLabel = new Map<string, ActivityEvent[]>();
  for (const event of events) byLabel.set(event.label, [...(byLabel.get(event.label) ?? []), event]);
  const merged: ActivityEvent[] = [];
  for (const group of byLabel.values()) {
    group.sort((a, b) => a.start - b.start);
    let current = group[0];
    for (const next of group.slice(1)) {
      if (next.start <= current.end) {
        current = {
          ...current,
          end: Math.max(current.end, next.end),
          trackIds: [...new Set([...current.trackIds, ...next.trackIds])].sort((a, b) => a - b),
          confidence: Math.max(current.confidence, next.confidence),
          bestFrame: next.confidence > current.confidence ? next.bestFrame : current.bestFrame,
        };
      } else {
        merged.push(current);
        current = next;
      }
    }
    merged.push(current);
  }
  return merged;
}

function meanScore(detections: TrackedDetection[]): number {
  return detections.reduce((sum, d) => sum + d.score, 0) / detections.length;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
