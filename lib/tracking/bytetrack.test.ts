import { describe, expect, it } from "vitest";
import { assign } from "./assignment";
import { ByteTracker, type TrackInput } from "./bytetrack";

const person = (x: number, y: number, score = 0.9): TrackInput => ({ box: { x, y, width: 40, height: 100 }, score, label: "person" });

/** Runs frames through a tracker and returns the ids given, frame by frame. */
function run(frames: TrackInput[][], options = {}): (number | null)[][] {
  const tracker = new ByteTracker(options);
  return frames.map((frame) => tracker.update(frame));
}

describe("assignment", () => {
  it("finds the cheapest pairing, not the greedy one, and respects the threshold", () => {
    // Greedy would take (0,0)=0.1 and leave row 1 with 0.9; the optimum is 0.2 + 0.3.
    const { matches } = assign([[0.1, 0.2], [0.3, 0.9]], 2, 1);
    expect(matches.sort()).toEqual([[0, 1], [1, 0]]);
    const limited = assign([[0.1, 0.95], [0.95, 0.96]], 2, 0.8);
    expect(limited.matches).toEqual([[0, 0]]);
    expect(limited.unmatchedRows).toEqual([1]);
    expect(limited.unmatchedCols).toEqual([1]);
    expect(assign([], 2, 0.5)).toEqual({ matches: [], unmatchedRows: [], unmatchedCols: [0, 1] });
  });
});

describe("ByteTracker", () => {
  it("keeps one id per person walking in parallel", () => {
    const frames = Array.from({ length: 20 }, (_, f) => [person(10 + f * 5, 50), person(300 - f * 5, 200)]);
    const ids = run(frames);
    expect(new Set(ids.map((frame) => frame[0])).size).toBe(1);
    expect(new Set(ids.map((frame) => frame[1])).size).toBe(1);
    expect(ids[0][0]).not.toBe(ids[0][1]);
  });

  it("keeps identities through a crossing where the boxes overlap", () => {
    // A walks right, B walks left, slightly lower; they overlap around frame 15.
    const frames = Array.from({ length: 30 }, (_, f) => [person(20 + f * 8, 100), person(260 - f * 8, 115)]);
    const ids = run(frames);
    const a = ids[0][0];
    const b = ids[0][1];
    for (const frame of ids) expect(frame).toEqual([a, b]);
  });

  it("gives a person back the same id after an occlusion shorter than the buffer", () => {
    const frames: TrackInput[][] = [];
    for (let f = 0; f < 30; f++) frames.push(f >= 10 && f < 18 ? [] : [person(50 + f * 6, 80)]);
    const ids = run(frames, { trackBuffer: 15 });
    const seen = new Set(ids.flat().filter((id) => id !== null));
    expect(seen.size).toBe(1);
    expect(ids[20][0]).toBe(ids[0][0]);
  });

  it("starts a new identity when the gap is longer than the buffer", () => {
    const frames: TrackInput[][] = [];
    for (let f = 0; f < 30; f++) frames.push(f >= 5 && f < 20 ? [] : [person(50, 80)]);
    const ids = run(frames, { trackBuffer: 5 });
    expect(ids[25][0]).not.toBe(ids[0][0]);
  });

  it("follows a person through a missed frame and a low-confidence frame", () => {
    const frames = [person(10, 50), person(15, 50), person(20, 50, 0.3), person(25, 50), person(30, 50)].map((p) => [p]);
    frames.splice(3, 0, []); // a frame where the detector saw nothing
    const ids = run(frames);
    const id = ids[0][0];
    expect(id).not.toBeNull();
    expect(ids[2][0]).toBe(id); // the 0.3 detection was kept by the second association
    expect(ids[4][0]).toBe(id);
    expect(ids[5][0]).toBe(id);
  });

  it("never starts a track from low-score detections and never pairs different classes", () => {
    // Under the new-track gate (0.35 by default) a detection only continues a track.
    const lowOnly = run(Array.from({ length: 5 }, () => [person(10, 10, 0.3)]));
    expect(lowOnly.flat().every((id) => id === null)).toBe(true);

    const car = (x: number): TrackInput => ({ box: { x, y: 50, width: 40, height: 100 }, score: 0.9, label: "car" });
    const ids = run(Array.from({ length: 6 }, (_, f) => (f < 3 ? [person(10, 50)] : [car(10)])));
    expect(ids[3][0]).not.toBe(ids[0][0]);
  });

  it("needs a second sighting to confirm a track born after the first frame", () => {
    const tracker = new ByteTracker();
    tracker.update([]);
    const [born] = tracker.update([person(100, 100)]);
    expect(born).not.toBeNull();
    expect(tracker.activeTracks()).toHaveLength(0);
    expect(tracker.update([person(104, 100)])).toEqual([born]);
    expect(tracker.activeTracks().map((t) => t.id)).toEqual([born]);
  });

  it("never hands a lost track's id to someone who looks nothing like it, however well placed", () => {
    const blue = [0.25, 0.3, 0.4, 0.3, 0.3, 0.3];
    const red = [0.55, 0.25, 0.5, 0.45, 0.3, 0.4];
    const dressed = (x: number, look: number[]): TrackInput => ({ ...person(x, 100), appearance: look });
    // A walks right in blue, is missed for two frames, and someone in red stands where A would be.
    const frames = [...Array.from({ length: 10 }, (_, f) => [dressed(10 + 6 * f, blue)]), [], [], [dressed(10 + 6 * 12, red)], [dressed(10 + 6 * 13, red)]];
    const ids = run(frames);
    expect(ids[12][0]).not.toBe(ids[0][0]);
    // Motion alone (no signatures, or the gate opened) gives them one id.
    expect(run(frames, { maxAppearanceDistance: 10 })[12][0]).toBe(ids[0][0]);
    // The same person, a little differently lit, keeps the id.
    const relit = [...frames.slice(0, 12), [dressed(10 + 6 * 12, blue.map((v, i) => (i % 3 === 2 ? v * 0.8 : v)))]];
    expect(run(relit)[12][0]).toBe(ids[0][0]);
  });
});
