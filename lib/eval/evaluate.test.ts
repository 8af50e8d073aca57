import { describe, expect, it } from "vitest";
import { defaultEventRules } from "@/lib/analysis/events/detect-events";
import { interpretDetections, personCrossings, reviewedPrecision, truthZoneCrossings } from "./evaluate";

const size = { width: 640, height: 480 };
const person = (x: number, score = 0.6) => ({ label: "person", score, box: { x, y: 200, width: 60, height: 160 } });

/** 5 fps frames; `at(t)` gives that time's detections. */
function frames(seconds: number, at: (t: number) => ReturnType<typeof person>[]) {
  return Array.from({ length: seconds * 5 }, (_, i) => ({ index: i * 2, timestamp: i / 5, detections: at(i / 5) }));
}

describe("the evaluation's view of a job", () => {
  it("runs the product's tracking and events: one walker crossing the frame enters and leaves", () => {
    // Walks in from the left edge at 2 s, out at the right edge at 8 s (80 px/s), 10 s video.
    const result = interpretDetections(
      frames(10, (t) => (t >= 2 && t <= 8 ? [person(Math.min(580, (t - 2) * 97))] : [])),
      { tracking: { tracker: { trackBuffer: 10 } }, rules: defaultEventRules, frameSize: size },
    );
    expect(result.tracks).toHaveLength(1);
    const crossings = personCrossings(result);
    expect(crossings.map((c) => c.label).sort()).toEqual(["person entering", "person leaving"]);
    expect(crossings.find((c) => c.label === "person entering")!.time).toBeCloseTo(2, 5);
    expect(result.summary.personReacquiredOver2s).toBe(0);
  });

  it("finds the truth's exact zone crossings from its boxes", () => {
    const zones = [{ name: "mid", points: [[0.4, 0], [0.6, 0], [0.6, 1], [0.4, 1]] as [number, number][] }];
    // Feet at x + 30: inside [256, 384] px from x = 226 to x = 354.
    const truth = { events: [], frames: Array.from({ length: 40 }, (_, i) => ({ index: i, timestamp: i / 10, objects: [{ id: 1, label: "person", box: { x: i * 10, y: 200, width: 60, height: 160 } }] })) };
    expect(truthZoneCrossings(truth, size, zones)).toEqual([
      { label: "zone entered", time: 2.3, zone: "mid" },
      { label: "zone left", time: 3.6, zone: "mid" },
    ]);
  });

  it("reads event precision from reviewed COCO labels, one count per event however many boxes", () => {
    const box = (event_id: string, event_label: string, verdict: "confirmed" | "false_positive") => ({ attributes: { event_id, event_label, verdict } });
    const precision = reviewedPrecision([
      { annotations: [box("a", "person entering", "confirmed"), box("a", "person entering", "confirmed"), box("b", "person entering", "false_positive")] },
      { annotations: [box("c", "person entering", "confirmed"), box("d", "zone left", "false_positive")] },
    ]);
    expect(precision["person entering"]).toEqual({ confirmed: 2, falsePositive: 1, precision: 2 / 3 });
    expect(precision["zone left"]).toEqual({ confirmed: 0, falsePositive: 1, precision: 0 });
  });
});
