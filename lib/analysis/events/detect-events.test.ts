import { describe, expect, it } from "vitest";
import { defaultEventRules, detectEvents, eventRulesSchema, overlapOf, type TrackedDetection, type TrackedFrame } from "./detect-events";

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
