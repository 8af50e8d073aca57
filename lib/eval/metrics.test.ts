import { describe, expect, it } from "vitest";
import { detectionMetrics, eventMetrics, trackingMetrics, type Box, type TrackedObject } from "./metrics";

/**
 * 10×10 boxes on one row. Overlaps used below (IoU = 10·(10-d) / (200 - 10·(10-d)) for a shift d):
 * d=1: 90/110 = 0.818, d=2: 80/120 = 0.667, d=3: 70/130 = 0.538, d=4: 60/140 = 0.429, d>=10: 0.
 */
const box = (x: number): Box => ({ x, y: 0, width: 10, height: 10 });
const object = (id: number | string, x: number): TrackedObject => ({ id, box: box(x) });

describe("detectionMetrics", () => {
  it("counts a perfect detection and rejects one below IoU 0.5", () => {
    const { perClass } = detectionMetrics([
      { truth: [{ label: "person", box: box(0) }], predicted: [{ label: "person", score: 0.9, box: box(0) }] },
      // IoU 0.538: a match.
      { truth: [{ label: "person", box: box(0) }], predicted: [{ label: "person", score: 0.9, box: box(3) }] },
      // IoU 0.429: a false positive and a miss.
      { truth: [{ label: "person", box: box(0) }], predicted: [{ label: "person", score: 0.9, box: box(4) }] },
    ]);
    expect(perClass).toEqual({ person: { tp: 2, fp: 1, fn: 1, precision: 2 / 3, recall: 2 / 3 } });
  });

  it("takes the IoU threshold from the options", () => {
    const frames = [{ truth: [{ label: "person", box: box(0) }], predicted: [{ label: "person", score: 0.9, box: box(4) }] }];
    expect(detectionMetrics(frames, { iouThreshold: 0.4 }).perClass.person.tp).toBe(1);
  });

  it("matches by descending score, so a lower-scored duplicate is the false positive", () => {
    // The 0.9 prediction (IoU 0.818) takes the only truth box before the 0.6 one (IoU 1) is seen.
    const { perClass } = detectionMetrics([
      {
        truth: [{ label: "car", box: box(0) }],
        predicted: [
          { label: "car", score: 0.6, box: box(0) },
          { label: "car", score: 0.9, box: box(1) },
        ],
      },
    ]);
    expect(perClass.car).toEqual({ tp: 1, fp: 1, fn: 0, precision: 0.5, recall: 1 });
  });

  it("gives each prediction the free truth box it overlaps most", () => {
    // P (0.9) at x=2 overlaps box(0) at 0.667 and box(3) at 0.818: it takes box(3), leaving box(0)
    // to Q (0.8) at IoU 1. Both are true positives.
    const { perClass } = detectionMetrics([
      {
        truth: [{ label: "car", box: box(0) }, { label: "car", box: box(3) }],
        predicted: [
          { label: "car", score: 0.9, box: box(2) },
          { label: "car", score: 0.8, box: box(0) },
        ],
      },
    ]);
    expect(perClass.car).toEqual({ tp: 2, fp: 0, fn: 0, precision: 1, recall: 1 });
  });

  it("ignores difficult boxes, found or missed", () => {
    const { perClass } = detectionMetrics([
      {
        // Two predictions on the difficult box (IoU 1 and 0.818): neither TP nor FP.
        // The normal box is found: 1 TP. Nothing missed.
        truth: [
          { label: "person", box: box(0), difficult: true },
          { label: "person", box: box(100) },
        ],
        predicted: [
          { label: "person", score: 0.9, box: box(0) },
          { label: "person", score: 0.8, box: box(100) },
          { label: "person", score: 0.7, box: box(1) },
        ],
      },
      // A difficult box nobody found is not a miss.
      { truth: [{ label: "person", box: box(0), difficult: true }], predicted: [] },
      // A free normal box wins over a difficult one that overlaps more (0.667 vs 0.818): a TP.
      {
        truth: [
          { label: "person", box: box(0) },
          { label: "person", box: box(3), difficult: true },
        ],
        predicted: [{ label: "person", score: 0.9, box: box(2) }],
      },
    ]);
    expect(perClass.person).toEqual({ tp: 2, fp: 0, fn: 0, precision: 1, recall: 1 });
  });

  it("counts false positives only, with recall 1 when there is no truth", () => {
    const { perClass } = detectionMetrics([
      { truth: [], predicted: [{ label: "car", score: 0.9, box: box(0) }] },
      { truth: [], predicted: [{ label: "car", score: 0.8, box: box(0) }] },
    ]);
    expect(perClass).toEqual({ car: { tp: 0, fp: 2, fn: 0, precision: 0, recall: 1 } });
  });

  it("never matches across classes or frames", () => {
    const { perClass } = detectionMetrics([
      { truth: [{ label: "person", box: box(0) }], predicted: [{ label: "car", score: 0.9, box: box(0) }] },
      { truth: [{ label: "dog", box: box(0) }], predicted: [] },
      { truth: [], predicted: [{ label: "dog", score: 0.9, box: box(0) }] },
    ]);
    expect(perClass).toEqual({
      car: { tp: 0, fp: 1, fn: 0, precision: 0, recall: 1 },
      dog: { tp: 0, fp: 1, fn: 1, precision: 0, recall: 0 },
      person: { tp: 0, fp: 0, fn: 1, precision: 1, recall: 0 },
    });
  });

  it("reports exactly the classes asked for, empty ones as precision and recall 1", () => {
    const { perClass } = detectionMetrics(
      [{ truth: [{ label: "person", box: box(0) }], predicted: [{ label: "car", score: 0.9, box: box(0) }] }],
      { classes: ["person", "bicycle"] },
    );
    expect(perClass).toEqual({
      person: { tp: 0, fp: 0, fn: 1, precision: 1, recall: 0 },
      bicycle: { tp: 0, fp: 0, fn: 0, precision: 1, recall: 1 },
    });
  });
});

describe("trackingMetrics", () => {
  it("scores perfect tracks as perfect", () => {
    // Two objects far apart for 3 frames, predicted exactly: 6 IDTP, no errors.
    const frames = [0, 1, 2].map((x) => ({
      truth: [object("a", x), object("b", 100 + x)],
      predicted: [object(1, x), object(2, 100 + x)],
    }));
    expect(trackingMetrics(frames)).toEqual({
      idf1: 1,
      idp: 1,
      idr: 1,
      idtp: 6,
      idfp: 0,
      idfn: 0,
      idSwitches: 0,
      fragments: 0,
      truthTracks: 2,
      predictedTracks: 2,
      fragmentsPerTrack: 0,
      mota: 1,
      mostlyTracked: 2,
    });
  });

  it("counts one switch when a track changes id halfway", () => {
    // Truth a in 4 frames; the tracker calls it 1 in frames 0-1 and 2 in frames 2-3.
    // IDF1: a can be given only one of 1 or 2, 2 frames each: IDTP 2, IDFP 4-2 = 2, IDFN 4-2 = 2,
    // IDF1 = 4 / (4 + 2 + 2) = 0.5. CLEAR: frame 2 matches a to 2 after 1: 1 switch, no FP or FN,
    // MOTA = 1 - 1/4 = 0.75.
    const frames = [1, 1, 2, 2].map((id) => ({ truth: [object("a", 0)], predicted: [object(id, 0)] }));
    expect(trackingMetrics(frames)).toMatchObject({
      idf1: 0.5,
      idp: 0.5,
      idr: 0.5,
      idtp: 2,
      idfp: 2,
      idfn: 2,
      idSwitches: 1,
      fragments: 0,
      truthTracks: 1,
      predictedTracks: 2,
      mota: 0.75,
      mostlyTracked: 1,
    });
  });

  it("counts two switches when two crossing tracks swap ids", () => {
    // a moves right 0,10,20,30 and b left 30,20,10,0; after they cross, id 1 follows b and 2 follows a.
    // IDF1: every pairing shares 2 frames, so IDTP 4 of 8: IDF1 = 8 / (8 + 4 + 4) = 0.5.
    // CLEAR: in frame 2 neither old pair overlaps, so both truths are re-matched to the other id:
    // 2 switches, MOTA = 1 - 2/8 = 0.75.
    const a = [0, 10, 20, 30];
    const b = [30, 20, 10, 0];
    const frames = [0, 1, 2, 3].map((f) => ({
      truth: [object("a", a[f]), object("b", b[f])],
      predicted: f < 2 ? [object(1, a[f]), object(2, b[f])] : [object(1, b[f]), object(2, a[f])],
    }));
    expect(trackingMetrics(frames)).toMatchObject({ idf1: 0.5, idtp: 4, idSwitches: 2, fragments: 0, mota: 0.75 });
  });

  it("keeps last frame's pair while its IoU passes, even if another prediction fits better", () => {
    // Frame 1: a still overlaps its id 1 (0.667), so id 2 (IoU 1) is a false positive, not a switch.
    // MOTA = 1 - 1/2 = 0.5. IDF1: a-1 together in 2 frames, a-2 in 1: IDTP 2, IDFP 3-2 = 1, IDFN 0,
    // IDF1 = 4 / 5.
    const frames = [
      { truth: [object("a", 0)], predicted: [object(1, 0)] },
      { truth: [object("a", 0)], predicted: [object(1, 2), object(2, 0)] },
    ];
    expect(trackingMetrics(frames)).toMatchObject({ idSwitches: 0, mota: 0.5, idf1: 0.8, idfp: 1 });
  });

  it("counts a fragment, not a switch, when a track is lost for 2 frames and resumes with its id", () => {
    // a: 6 frames, predicted in 0-1 and 4-5: 1 fragment, 2 FN, tracked 4/6 < 80%.
    // b: 5 frames, predicted in 0-3 then lost for good: no fragment, 1 FN, tracked 4/5 = 80%: mostly tracked.
    // MOTA = 1 - 3/11. IDF1: IDTP 8, IDFP 0, IDFN 3: 16 / 19.
    const frames = [0, 1, 2, 3, 4, 5].map((f) => ({
      truth: [object("a", 0), ...(f < 5 ? [object("b", 100)] : [])],
      predicted: [...(f < 2 || f > 3 ? [object(1, 0)] : []), ...(f < 4 ? [object(2, 100)] : [])],
    }));
    expect(trackingMetrics(frames)).toEqual({
      idf1: 16 / 19,
      idp: 1,
      idr: 8 / 11,
      idtp: 8,
      idfp: 0,
      idfn: 3,
      idSwitches: 0,
      fragments: 1,
      truthTracks: 2,
      predictedTracks: 2,
      fragmentsPerTrack: 0.5,
      mota: 1 - 3 / 11,
      mostlyTracked: 1,
    });
  });

  it("assigns identities globally for IDF1, not greedily", () => {
    // a is with id 1 for 3 frames, then with id 2 for 2; b is with id 1 for 2 frames.
    // Greedy would give a the 3 frames of id 1 and b nothing (IDTP 3); a→2, b→1 gives IDTP 4.
    // 7 truth and 7 predicted detections: IDFP = IDFN = 3, IDF1 = 8 / 14.
    const frames = [
      ...[1, 1, 1, 2, 2].map((id) => ({ truth: [object("a", 0)], predicted: [object(id, 0)] })),
      ...[1, 1].map((id) => ({ truth: [object("b", 100)], predicted: [object(id, 100)] })),
    ];
    expect(trackingMetrics(frames)).toMatchObject({ idtp: 4, idfp: 3, idfn: 3, idf1: 8 / 14 });
  });

  it("scores false positives only", () => {
    // No truth: IDF1 = 0 / (0 + 2 + 0) = 0, IDR is 0/0 -> 1, MOTA = 1 - 2/0 = -Infinity.
    const frames = [{ truth: [], predicted: [object(1, 0)] }, { truth: [], predicted: [object(1, 0)] }];
    expect(trackingMetrics(frames)).toEqual({
      idf1: 0,
      idp: 0,
      idr: 1,
      idtp: 0,
      idfp: 2,
      idfn: 0,
      idSwitches: 0,
      fragments: 0,
      truthTracks: 0,
      predictedTracks: 1,
      fragmentsPerTrack: 0,
      mota: -Infinity,
      mostlyTracked: 0,
    });
  });

  it("does not match below the IoU threshold", () => {
    // IoU 0.429 every frame: 2 FN and 2 FP, MOTA = 1 - 4/2 = -1; at threshold 0.4 it is perfect.
    const frames = [0, 1].map(() => ({ truth: [object("a", 0)], predicted: [object(1, 4)] }));
    expect(trackingMetrics(frames)).toMatchObject({ idf1: 0, mota: -1, mostlyTracked: 0 });
    expect(trackingMetrics(frames, { iouThreshold: 0.4 })).toMatchObject({ idf1: 1, mota: 1 });
  });

  it("rejects an id used twice in one frame", () => {
    expect(() => trackingMetrics([{ truth: [object("a", 0), object("a", 50)], predicted: [] }])).toThrow(/twice/);
  });
});

describe("eventMetrics", () => {
  it("matches within the tolerance, inclusive, and not beyond", () => {
    const truth = [
      { label: "goal", time: 10 },
      { label: "goal", time: 20 },
      { label: "goal", time: 30 },
    ];
    const predicted = [
      { label: "goal", time: 10.8 }, // 0.8 s: match
      { label: "goal", time: 21.5 }, // 1.5 s: miss + false alarm
      { label: "goal", time: 31 }, // exactly 1 s: match
    ];
    const counts = { tp: 2, fp: 1, fn: 1, precision: 2 / 3, recall: 2 / 3 };
    expect(eventMetrics(truth, predicted)).toEqual({ perLabel: { goal: counts }, all: counts });
    // At 0.5 s only nothing matches.
    expect(eventMetrics(truth, predicted, { tolerance: 0.5 }).all).toMatchObject({ tp: 0, fp: 3, fn: 3 });
  });

  it("does not match another label or zone", () => {
    const result = eventMetrics(
      [
        { label: "goal", time: 5 },
        { label: "enter", time: 8, zone: "door" },
      ],
      [
        { label: "foul", time: 5 },
        { label: "enter", time: 8, zone: "window" },
      ],
    );
    expect(result.perLabel).toEqual({
      enter: { tp: 0, fp: 1, fn: 1, precision: 0, recall: 0 },
      foul: { tp: 0, fp: 1, fn: 0, precision: 0, recall: 1 },
      goal: { tp: 0, fp: 0, fn: 1, precision: 1, recall: 0 },
    });
    expect(result.all).toEqual({ tp: 0, fp: 2, fn: 2, precision: 0, recall: 0 });
  });

  it("matches one to one: two predictions for one truth are 1 tp and 1 fp", () => {
    const result = eventMetrics(
      [{ label: "goal", time: 10 }],
      [
        { label: "goal", time: 9.5 },
        { label: "goal", time: 10.4 },
      ],
    );
    expect(result.all).toEqual({ tp: 1, fp: 1, fn: 0, precision: 0.5, recall: 1 });
  });

  it("maximises matches rather than pairing the closest first", () => {
    // Truths at 0 and 1, predictions at 0.6 and 1.9. Closest first pairs 1 with 0.6 (0.4 s) and
    // leaves 0 and 1.9 apart by 1.9 s: 1 match. 0-0.6 and 1-1.9 gives 2.
    const result = eventMetrics(
      [
        { label: "shot", time: 1 },
        { label: "shot", time: 0 },
      ],
      [
        { label: "shot", time: 1.9 },
        { label: "shot", time: 0.6 },
      ],
    );
    expect(result.all).toMatchObject({ tp: 2, fp: 0, fn: 0 });
  });

  it("reports precision and recall 1 with no events at all", () => {
    expect(eventMetrics([], [])).toEqual({ perLabel: {}, all: { tp: 0, fp: 0, fn: 0, precision: 1, recall: 1 } });
  });
});
