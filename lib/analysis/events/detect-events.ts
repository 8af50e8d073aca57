import { z } from "zod";
import type { Box } from "@/lib/tracking/bytetrack";
import { insidePolygon, MAX_ZONE_NAME_LENGTH, MAX_ZONE_POINTS, MAX_ZONES, MIN_ZONE_POINTS } from "@/lib/analysis/zone-geometry";

/**
 * Activity events for cabin monitoring: rules over tracked detections. Each rule marks the
 * sampled frames where it holds; runs of such frames (gaps up to `mergeGapSeconds` bridged)
 * lasting at least the rule's minimum become events, and overlapping events of one label merge.
 */
export type TrackedDetection = { label: string; score: number; box: Box; trackId: number | null };
export type TrackedFrame = { index: number; timestamp: number; detections: TrackedDetection[] };

export type ActivityEvent = {
  label: string;
  /** The zone a zone event concerns (zone entered, zone left, loitering). */
  zone?: string;
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
    /**
     * How near the frame's edge (share of the frame's width or height) a track must begin to
     * have entered, or end to have left; a track that begins or ends mid-frame was lost and
     * picked up again, or hidden, and is not an event.
     */
    edgeMargin: z.number().min(0).max(0.5).default(0.05),
    /** Seconds at the start and end of the video in which no entering or leaving is reported. */
    settleSeconds: z.number().min(0).default(1),
    /** Seconds in one zone that make a loitering event. */
    loiterSeconds: z.number().min(1).default(20),
  })
  .strict();

/** A named area of the frame, its corners in 0..1 of the frame's width and height. */
export const zoneSchema = z
  .object({
    name: z.string().trim().min(1, "a zone needs a name").max(MAX_ZONE_NAME_LENGTH, `a zone's name has at most ${MAX_ZONE_NAME_LENGTH} characters`),
    points: z
      .array(z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]), "a zone's points must be [x, y] pairs in 0..1 of the frame")
      .min(MIN_ZONE_POINTS, `a zone needs at least ${MIN_ZONE_POINTS} points`)
      .max(MAX_ZONE_POINTS, `a zone has at most ${MAX_ZONE_POINTS} points`),
  })
  .strict();
export type Zone = z.output<typeof zoneSchema>;
export const zonesSchema = z
  .array(zoneSchema)
  .max(MAX_ZONES, `at most ${MAX_ZONES} zones`)
  .default([])
  .refine((zones) => new Set(zones.map((zone) => zone.name)).size === zones.length, "zone names must differ");

export type EventRules = z.output<typeof eventRulesSchema>;
export const defaultEventRules: EventRules = eventRulesSchema.parse({});

const handheld = new Set(["cell phone"]);
const foodAndDrink = new Set(["cup", "bottle", "wine glass", "sandwich", "banana", "apple", "donut", "pizza", "hot dog", "cake", "orange", "bowl"]);

type Hit = { frame: TrackedFrame; involved: TrackedDetection[] };

export type FrameSize = { width: number; height: number };

/**
 * `frameSize` is the analysed frames' size: without it, entering and leaving cannot be told from
 * a track lost mid-frame, and are judged by time alone (the rule before edges were known).
 */
export function detectEvents(frames: TrackedFrame[], rules: EventRules = defaultEventRules, frameSize?: FrameSize, zones: Zone[] = []): ActivityEvent[] {
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
  const withZones = Boolean(frameSize && zones.length);
  if (rules.entering || rules.leaving || withZones) {
    // Both rules read each person track's sightings: gathered once, long tracks only.
    const people = [...personSightings(ordered).values()].filter((hits) => hits[hits.length - 1].frame.timestamp - hits[0].frame.timestamp >= rules.minTrackSeconds);
    if (rules.entering || rules.leaving) events.push(...entriesAndExits(ordered, people, rules, step, frameSize));
    if (withZones) events.push(...zoneEvents(ordered, people, rules, step, frameSize!, zones));
  }
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

/** Every person track's sightings, in time order. */
function personSightings(frames: TrackedFrame[]): Map<number, Hit[]> {
  const sightings = new Map<number, Hit[]>();
  for (const frame of frames) {
    for (const detection of frame.detections) {
      if (!isPerson(detection) || detection.trackId === null) continue;
      const hit = { frame, involved: [detection] };
      const list = sightings.get(detection.trackId);
      if (list) list.push(hit);
      else sightings.set(detection.trackId, [hit]);
    }
  }
  return sightings;
}

/** Whether a box touches the frame's border band (`margin` of the width or height). */
export function atEdge(box: Box, frameSize: FrameSize, margin: number): boolean {
  const mx = margin * frameSize.width;
  const my = margin * frameSize.height;
  return box.x <= mx || box.y <= my || box.x + box.width >= frameSize.width - mx || box.y + box.height >= frameSize.height - my;
}

/**
 * A person entered when their track begins at the frame's edge, after the video's first
 * `settleSeconds` (someone already there when recording starts did not enter); they left when it
 * ends at the edge before the last `settleSeconds`. A track beginning or ending mid-frame is a
 * person lost and picked up again, or hidden for a while: not an event. Tracks shorter than
 * `minTrackSeconds` are flickers, not people; entries (and exits) close together in time become
 * one event, as a group boarding does.
 */
function entriesAndExits(frames: TrackedFrame[], people: Hit[][], rules: EventRules, step: number, frameSize?: FrameSize): ActivityEvent[] {
  if (frames.length === 0) return [];
  const first = frames[0].timestamp;
  const last = frames[frames.length - 1].timestamp;
  const settle = frameSize ? Math.max(rules.settleSeconds, step) : step;
  const byEdge = (hit: Hit) => !frameSize || atEdge(hit.involved[0].box, frameSize, rules.edgeMargin);
  const hitsAt = (pick: (firstHit: Hit, lastHit: Hit) => Hit | null) => {
    const byFrame = new Map<TrackedFrame, Hit>();
    for (const hits of people) {
      const hit = pick(hits[0], hits[hits.length - 1]);
      if (!hit) continue;
      const existing = byFrame.get(hit.frame);
      byFrame.set(hit.frame, existing ? { frame: hit.frame, involved: [...existing.involved, ...hit.involved] } : hit);
    }
    return frames.map((frame) => byFrame.get(frame) ?? null);
  };
  const events: ActivityEvent[] = [];
  if (rules.entering) {
    const hits = hitsAt((firstHit) => (firstHit.frame.timestamp >= first + settle && byEdge(firstHit) ? firstHit : null));
    events.push(...toIntervals("person entering", frames, hits, 0, rules.mergeGapSeconds, step));
  }
  if (rules.leaving) {
    const hits = hitsAt((_, lastHit) => (lastHit.frame.timestamp <= last - settle && byEdge(lastHit) ? lastHit : null));
    events.push(...toIntervals("person leaving", frames, hits, 0, rules.mergeGapSeconds, step));
  }
  return events;
}

/** Samples a person must stay on one side of a zone's boundary before a crossing counts. */
const zoneSettleSamples = 2;

/**
 * Zone events per person track and zone. Where a person stands is their box's bottom centre
 * (their feet, as a floor zone is drawn). `zone entered` when they cross into the zone, or when
 * their track begins inside it at the frame's edge (they walked in); `zone left` symmetrically;
 * `loitering` for a stay of at least `loiterSeconds`. A crossing counts once the person has
 * been on the new side for two samples, so a foot on the line does not flicker in and out.
 */
function zoneEvents(frames: TrackedFrame[], people: Hit[][], rules: EventRules, step: number, frameSize: FrameSize, zones: Zone[]): ActivityEvent[] {
  const lastTime = frames.length ? frames[frames.length - 1].timestamp : 0;
  const firstTime = frames.length ? frames[0].timestamp : 0;
  const events: ActivityEvent[] = [];
  const point = (hit: Hit, label: string, zone: string): ActivityEvent => ({ ...toEvent(label, [hit], step), zone });
  for (const hits of people) {
    for (const zone of zones) {
      const inside = hits.map((hit) => {
        const box = hit.involved[0].box;
        return insidePolygon((box.x + box.width / 2) / frameSize.width, (box.y + box.height) / frameSize.height, zone.points);
      });
      // Debounced: the side changes only after `zoneSettleSamples` samples on the other side.
      let state = inside[0];
      let enteredAt: Hit | null = null;
      const walkedIn = hits[0].frame.timestamp >= firstTime + rules.settleSeconds && atEdge(hits[0].involved[0].box, frameSize, rules.edgeMargin);
      if (state) {
        enteredAt = hits[0];
        if (walkedIn) events.push(point(hits[0], "zone entered", zone.name));
      }
      const close = (until: Hit, left: boolean) => {
        if (left) events.push(point(until, "zone left", zone.name));
        if (enteredAt && until.frame.timestamp - enteredAt.frame.timestamp >= rules.loiterSeconds) {
          events.push({ ...toEvent("loitering", [enteredAt, until], step), zone: zone.name });
        }
        enteredAt = null;
      };
      for (let i = 1; i < hits.length; i++) {
        // A single sample on the other side, even the track's last, is a foot on the line.
        const run = inside.slice(i, i + zoneSettleSamples);
        if (run.length < zoneSettleSamples || !run.every((v) => v !== state)) continue;
        state = !state;
        if (state) {
          enteredAt = hits[i];
          events.push(point(hits[i], "zone entered", zone.name));
        } else {
          close(hits[i], true);
        }
      }
      if (state && enteredAt) {
        const end = hits[hits.length - 1];
        const walkedOut = end.frame.timestamp <= lastTime - rules.settleSeconds && atEdge(end.involved[0].box, frameSize, rules.edgeMargin);
        close(end, walkedOut);
      }
    }
  }
  return events;
}

/** Events of one label that overlap or touch become one. */
function mergeOverlapping(events: ActivityEvent[]): ActivityEvent[] {
  const byLabel = new Map<string, ActivityEvent[]>();
  for (const event of events) {
    const key = event.zone === undefined ? event.label : `${event.label}\u0000${event.zone}\u0000${event.trackIds.join(",")}`;
    byLabel.set(key, [...(byLabel.get(key) ?? []), event]);
  }
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
