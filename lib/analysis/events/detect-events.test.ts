import { describe, expect, it } from "vitest";
import {
  atEdge,
  defaultEventRules,
  detectEvents,
  eventRulesSchema,
  overlapOf,
  type ActivityEvent,
  type TrackedDetection,
  type TrackedFrame,
  type Zone,
} from "./detect-events";
import { insidePolygon } from "../zone-geometry";

const fps = 5;
const person = (trackId: number, x = 100, score = 0.9): TrackedDetection => ({ label: "person", score, trackId, box: { x, y: 100, width: 100, height: 250 } });
const phone = (x = 130, score = 0.6): TrackedDetection => ({ label: "cell phone", score, trackId: 99, box: { x, y: 150, width: 20, height: 35 } });
const cup = (): TrackedDetection => ({ label: "cup", score: 0.5, trackId: 98, box: { x: 120, y: 200, width: 25, height: 30 } });

/** Frames at 5 fps over `seconds`, each holding what `at(t)` returns. */
function video(seconds: number, at: (t: number) => TrackedDetection[]): TrackedFrame[] {
  return Array.from({ length: seconds * fps }, (_, i) => ({ index: i * 2, timestamp: i / fps, detections: at(i / fps) }));
}

describe("detectEvents", () => {
  it("finds one person-present event spanning the visit, bridging a short gap", () => {
    const frames = video(20, (t) => (t >= 2 && t < 12 && !(t >= 6 && t < 6.6) ? [person(1)] : []));
    const people = detectEvents(frames).filter((e) => e.label === "person");
    expect(people).toHaveLength(1);
    expect(people[0].start).toBeCloseTo(2, 5);
    expect(people[0].end).toBeCloseTo(12, 5);
    expect(people[0].trackIds).toEqual([1]);
  });

  it("reports phone use only when a phone overlaps a person long enough", () => {
    const brief = video(10, (t) => [person(1), ...(t >= 3 && t < 4 ? [phone()] : [])]);
    expect(detectEvents(brief).some((e) => e.label === "phone use")).toBe(false);

    const held = video(10, (t) => [person(1), ...(t >= 3 && t < 7 ? [phone()] : [])]);
    const [use] = detectEvents(held).filter((e) => e.label === "phone use");
    expect(use.start).toBeCloseTo(3, 5);
    expect(use.end).toBeCloseTo(7, 5);
    expect(use.trackIds).toEqual([1, 99]);
    expect(use.bestFrame.boxes.map((b) => b.label).sort()).toEqual(["cell phone", "person"]);

    const apart = video(10, () => [person(1), phone(600)]);
    expect(detectEvents(apart).some((e) => e.label === "phone use")).toBe(false);
  });

  it("reports eating or drinking when a cup is by a person", () => {
    const frames = video(6, (t) => [person(1), ...(t >= 1 && t < 4 ? [cup()] : [])]);
    expect(detectEvents(frames).filter((e) => e.label === "eating or drinking")).toHaveLength(1);
  });

  it("reports people entering and leaving, not those present from start to end", () => {
    const frames = video(20, (t) => [person(1, 50), ...(t >= 5 && t < 15 ? [person(2, 400)] : [])]);
    const events = detectEvents(frames);
    const entering = events.filter((e) => e.label === "person entering");
    const leaving = events.filter((e) => e.label === "person leaving");
    expect(entering).toHaveLength(1);
    expect(entering[0].trackIds).toEqual([2]);
    expect(entering[0].start).toBeCloseTo(5, 5);
    expect(leaving).toHaveLength(1);
    expect(leaving[0].start).toBeCloseTo(14.8, 5);
  });

  it("ignores flicker tracks and groups people entering together", () => {
    const flicker = video(10, (t) => [person(1, 50), ...(t >= 4 && t < 4.6 ? [person(2, 400)] : [])]);
    expect(detectEvents(flicker).filter((e) => e.label.startsWith("person "))).toEqual([]);

    const group = video(20, (t) => [person(1, 50), ...(t >= 5 ? [person(2, 300)] : []), ...(t >= 5.4 ? [person(3, 500)] : [])]);
    const entering = detectEvents(group).filter((e) => e.label === "person entering");
    expect(entering).toHaveLength(1);
    expect(entering[0].trackIds).toEqual([2, 3]);
  });

  it("supports a generic 'class visible for N seconds' rule and turning rules off", () => {
    const car = (): TrackedDetection => ({ label: "car", score: 0.8, trackId: 5, box: { x: 0, y: 0, width: 200, height: 100 } });
    const rules = eventRulesSchema.parse({ personPresent: false, entering: false, leaving: false, classVisible: [{ class: "car", minSeconds: 3 }] });
    const frames = video(10, (t) => (t < 4 ? [car(), person(1)] : [person(1)]));
    const events = detectEvents(frames, rules);
    expect(events.map((e) => e.label)).toEqual(["car visible"]);
    expect(events[0].end - events[0].start).toBeCloseTo(4, 5);
  });

  it("merges overlapping events of one label and keeps different labels apart", () => {
    const frames = video(10, (t) => [person(t < 5 ? 1 : 2)]);
    const people = detectEvents(frames, { ...defaultEventRules, mergeGapSeconds: 0 }).filter((e) => e.label === "person");
    expect(people).toHaveLength(1);
    expect(people[0].trackIds).toEqual([1, 2]);
  });

  it("measures overlap as the share of the inner box", () => {
    expect(overlapOf({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 100, height: 100 })).toBeCloseTo(0.5);
    expect(overlapOf({ x: 0, y: 0, width: 10, height: 10 }, { x: 50, y: 50, width: 10, height: 10 })).toBe(0);
  });
});

// The frames below are 640x480; `person(id, x)` is 100x250 at y = 100, so it touches the left
// edge band (5%, 32 px) at x <= 32, the right one at x >= 508, and neither top nor bottom.
const frameSize = { width: 640, height: 480 };
const step = 1 / fps;
const labelled = (events: ActivityEvent[], label: string) => events.filter((e) => e.label === label);
const seen = (from: number, to: number, t: number) => t >= from - 1e-9 && t <= to + 1e-9;

describe("detectEvents: entering and leaving at the frame's edge", () => {
  /** A person in view from `from` to `to` (seconds), walking linearly from x0 to x1. */
  const walker = (from: number, to: number, x0: number, x1: number) => (t: number) =>
    seen(from, to, t) ? [person(2, x0 + ((x1 - x0) * (t - from)) / (to - from))] : [];

  it("is entering when a track begins at the edge after the first second", () => {
    const events = detectEvents(video(10, walker(3, 9.8, 0, 300)), defaultEventRules, frameSize);
    const entering = labelled(events, "person entering");
    expect(entering).toHaveLength(1);
    expect(entering[0].start).toBeCloseTo(3, 5);
    expect(entering[0].trackIds).toEqual([2]);
    expect(labelled(events, "person leaving")).toEqual([]); // in view until the end
  });

  it("is not entering when a track begins mid-frame (picked up again) or in the first second (already there)", () => {
    const midFrame = detectEvents(video(10, walker(3, 9.8, 300, 400)), defaultEventRules, frameSize);
    expect(labelled(midFrame, "person entering")).toEqual([]);
    const early = detectEvents(video(10, walker(0.6, 9.8, 0, 300)), defaultEventRules, frameSize);
    expect(labelled(early, "person entering")).toEqual([]);
    // Without the frame's size only time counts: the mid-frame track is entering.
    expect(labelled(detectEvents(video(10, walker(3, 9.8, 300, 400))), "person entering")).toHaveLength(1);
  });

  it("is leaving when a track ends at the edge before the last second, not mid-frame nor in the last second", () => {
    const atRight = detectEvents(video(10, walker(0, 6, 300, 540)), defaultEventRules, frameSize);
    const leaving = labelled(atRight, "person leaving");
    expect(leaving).toHaveLength(1);
    expect(leaving[0].start).toBeCloseTo(6, 5);
    expect(leaving[0].trackIds).toEqual([2]);
    expect(labelled(atRight, "person entering")).toEqual([]); // there from the start

    const midFrame = detectEvents(video(10, walker(0, 6, 100, 300)), defaultEventRules, frameSize);
    expect(labelled(midFrame, "person leaving")).toEqual([]);
    const late = detectEvents(video(10, walker(0, 9.2, 300, 540)), defaultEventRules, frameSize);
    expect(labelled(late, "person leaving")).toEqual([]);
  });
});

describe("atEdge and insidePolygon", () => {
  it("tells a box in the border band from one inside it", () => {
    const box = (x: number, y: number) => ({ x, y, width: 100, height: 100 });
    expect(atEdge(box(270, 190), frameSize, 0.05)).toBe(false);
    expect(atEdge(box(32, 190), frameSize, 0.05)).toBe(true); // left band is 32 px
    expect(atEdge(box(33, 190), frameSize, 0.05)).toBe(false);
    expect(atEdge(box(270, 24), frameSize, 0.05)).toBe(true); // top band is 24 px
    expect(atEdge(box(508, 190), frameSize, 0.05)).toBe(true); // right edge at 608
    expect(atEdge(box(270, 356), frameSize, 0.05)).toBe(true); // bottom edge at 456
    expect(atEdge(box(270, 355), frameSize, 0.05)).toBe(false);
    expect(atEdge(box(1, 190), frameSize, 0)).toBe(false);
    expect(atEdge(box(0, 190), frameSize, 0)).toBe(true);
  });

  it("finds points inside a square and a concave L, and not beyond them", () => {
    const square: [number, number][] = [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]];
    expect(insidePolygon(0.5, 0.5, square)).toBe(true);
    expect(insidePolygon(0.1, 0.5, square)).toBe(false);
    expect(insidePolygon(0.9, 0.5, square)).toBe(false); // the far side
    expect(insidePolygon(0.5, 0.9, square)).toBe(false);
    // An L: the left half's top, and the whole bottom half; the top right is the notch.
    const l: [number, number][] = [[0, 0], [0.5, 0], [0.5, 0.5], [1, 0.5], [1, 1], [0, 1]];
    expect(insidePolygon(0.25, 0.25, l)).toBe(true);
    expect(insidePolygon(0.75, 0.75, l)).toBe(true);
    expect(insidePolygon(0.25, 0.75, l)).toBe(true);
    expect(insidePolygon(0.75, 0.25, l)).toBe(false); // in the notch
    expect(insidePolygon(0.75, 0.1, l)).toBe(false);
  });
});

describe("detectEvents: zones", () => {
  /** An axis-aligned zone between x0..x1 and y0..y1 (0..1 of the frame). */
  const rect = (name: string, x0: number, x1: number, y0 = 0.5, y1 = 0.9): Zone => ({ name, points: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]] });
  // Feet (the box's bottom centre) are at y = 350 px, 0.73 of the frame: inside every zone
  // above. Their x is x + 50 px.
  const desk = rect("desk", 0.4, 0.7); // feet from 256 to 448 px, so x from 206 to 398
  const zoneEvents = (events: ActivityEvent[]) => events.filter((e) => e.zone !== undefined);
  const summary = (events: ActivityEvent[]) => zoneEvents(events).map((e) => [e.label, e.zone]);
  /** Walking from x = 20 at t = 1 to x = 540 at t = 9: 65 px/s. */
  const across = (t: number) => (seen(1, 9, t) ? [person(1, 20 + 65 * (t - 1))] : []);
  const xAt = (x: number) => 1 + (x - 20) / 65; // when the walker's box is at x

  it("reports a person walking into a zone and out again, with the zone's name, at the crossings", () => {
    const events = detectEvents(video(10, across), defaultEventRules, frameSize, [desk]);
    expect(summary(events)).toEqual([
      ["zone entered", "desk"],
      ["zone left", "desk"],
    ]);
    const [entered, left] = zoneEvents(events);
    expect(Math.abs(entered.start - xAt(206))).toBeLessThanOrEqual(step);
    expect(Math.abs(left.start - xAt(398))).toBeLessThanOrEqual(step);
    expect(entered.trackIds).toEqual([1]);
    expect(left.trackIds).toEqual([1]);
  });

  it("reports nothing for a foot hovering on the boundary", () => {
    // In view from the start; in and out of the zone every other sample for 6 s, then outside.
    const hover = video(8, (t) => {
      const i = Math.round(t * fps);
      return [person(1, i >= 30 ? 150 : i % 2 ? 212 : 200)];
    });
    expect(zoneEvents(detectEvents(hover, defaultEventRules, frameSize, [desk]))).toEqual([]);
  });

  it("reports loitering for a stay longer than loiterSeconds, spanning the stay", () => {
    const rules = eventRulesSchema.parse({ loiterSeconds: 5 });
    // In from the left edge at t = 1, at the desk (x = 300) from t = 2 to t = 9, out to the right by t = 10.
    const x = (t: number) => (t < 2 ? 300 * (t - 1) : t <= 9 ? 300 : 300 + 240 * (t - 9));
    const stay = video(12, (t) => (seen(1, 10, t) ? [person(1, x(t))] : []));
    const events = detectEvents(stay, rules, frameSize, [desk]);
    expect(summary(events).sort()).toEqual([
      ["loitering", "desk"],
      ["zone entered", "desk"],
      ["zone left", "desk"],
    ]);
    const [[entered], [loitering], [left]] = ["zone entered", "loitering", "zone left"].map((label) => labelled(events, label));
    expect(loitering.start).toBeCloseTo(entered.start, 5);
    expect(Math.abs(entered.start - (1 + 206 / 300))).toBeLessThanOrEqual(step);
    expect(Math.abs(loitering.end - (9 + 98 / 240))).toBeLessThanOrEqual(2 * step); // the sample that left, plus its step
    expect(left.start).toBeLessThan(loitering.end);
    expect(loitering.trackIds).toEqual([1]);

    // The 3 s walk across is not loitering even at 5 s, nor is this stay at the default 20 s.
    expect(labelled(detectEvents(video(10, across), rules, frameSize, [desk]), "loitering")).toEqual([]);
    expect(labelled(detectEvents(stay, defaultEventRules, frameSize, [desk]), "loitering")).toEqual([]);
  });

  it("reports two zones separately, even when they are entered at the same moment", () => {
    const counter = rect("counter", 0.4, 0.85, 0.6, 0.95); // feet to 544 px, x to 494
    const events = detectEvents(video(10, across), defaultEventRules, frameSize, [desk, counter]);
    const entered = labelled(events, "zone entered");
    expect(entered.map((e) => e.zone).sort()).toEqual(["counter", "desk"]);
    expect(entered[0].start).toBeCloseTo(entered[1].start, 5);
    const left = labelled(events, "zone left");
    expect(left.map((e) => e.zone)).toEqual(["desk", "counter"]);
    expect(Math.abs(left[1].start - xAt(494))).toBeLessThanOrEqual(step);
  });

  it("does not report entering a zone for a track that begins inside it mid-frame", () => {
    const appears = video(10, (t) => (seen(3, 7, t) ? [person(1, 300)] : []));
    expect(zoneEvents(detectEvents(appears, defaultEventRules, frameSize, [desk]))).toEqual([]);
    // One that begins inside a zone at the frame's edge did walk in.
    const door = rect("door", 0, 0.2);
    const walksIn = video(10, (t) => (seen(3, 7, t) ? [person(1, 0)] : []));
    const entered = labelled(detectEvents(walksIn, defaultEventRules, frameSize, [door]), "zone entered");
    expect(entered.map((e) => [e.zone, e.start])).toEqual([["door", 3]]);
  });

  it("reports nothing for a person track shorter than minTrackSeconds", () => {
    // Through the desk zone in 1.6 s: x from 150 to 450.
    const brief = video(10, (t) => (seen(3, 4.6, t) ? [person(1, 150 + 187.5 * (t - 3))] : []));
    expect(zoneEvents(detectEvents(brief, defaultEventRules, frameSize, [desk]))).toEqual([]);
    const lenient = { ...defaultEventRules, minTrackSeconds: 1 };
    expect(summary(detectEvents(brief, lenient, frameSize, [desk]))).toEqual([
      ["zone entered", "desk"],
      ["zone left", "desk"],
    ]);
  });
});
