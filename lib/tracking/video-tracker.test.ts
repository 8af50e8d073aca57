import { describe, expect, it } from "vitest";
import { classesOf } from "./scene-profiles";
import { VideoTracker, type VideoDetection, type VideoTrackerOptions, type VideoTrackingResult } from "./video-tracker";

const fps = 5;
const frameSize = { width: 640, height: 480 };

const thing = (label: string, x: number, y: number, score: number, width = 60, height = 150): VideoDetection => ({
  label,
  score,
  box: { x, y, width, height },
});
const person = (x: number, y: number, score = 0.6) => thing("person", x, y, score);

/** A score near 0.6 that varies from frame to frame, as a real detector's does. */
const about = (f: number, base = 0.6) => base + ((f % 3) - 1) * 0.05;

/**
 * Pushes frames (5 fps, timestamp f / 5, index 2f) through a VideoTracker and finishes it.
 * Detection k of frame f has the ref 1000 f + k; `ids[f][k]` is the track id it was given.
 */
function run(frames: VideoDetection[][], options: VideoTrackerOptions = {}): VideoTrackingResult & { ids: (number | null)[][] } {
  const tracker = new VideoTracker(options);
  const refs = frames.map((detections, f) => detections.map((_, k) => 1000 * f + k));
  frames.forEach((detections, f) => tracker.push({ index: 2 * f, timestamp: f / fps, detections }, refs[f]));
  const result = tracker.finish();
  return { ...result, ids: refs.map((row) => row.map((ref) => result.trackOf.get(ref) ?? null)) };
}

/** `count` frames, frame f holding what `at(f)` returns. */
function frames<T = VideoDetection>(count: number, at: (f: number) => T[]): T[][] {
  return Array.from({ length: count }, (_, f) => at(f));
}

const distinct = (ids: (number | null)[]) => [...new Set(ids)];

describe("VideoTracker", () => {
  it("follows a person walking across as one confirmed track numbered 1", () => {
    // 3 s at 5 fps: 16 frames, t = 0 .. 3, 20 px a frame.
    const walk = frames(16, (f) => [person(20 + 20 * f, 150, about(f))]);
    const { ids, trackOf, tracks, summary } = run(walk);
    expect(ids.flat()).toEqual(Array(16).fill(1));
    expect(trackOf.size).toBe(16);
    expect(tracks).toHaveLength(1);
    const [track] = tracks;
    expect(track).toMatchObject({ trackId: 1, label: "person", startFrame: 0, endFrame: 30, startTime: 0, frames: 16 });
    expect(track.endTime).toBeCloseTo(3, 9);
    const mean = walk.flat().reduce((sum, d) => sum + d.score, 0) / 16;
    expect(track.avgConfidence).toBeCloseTo(mean, 9);
    expect(summary).toEqual({ frames: 16, tracks: 1, personTracks: 1, personTracksOver2s: 1, personReacquired: 0, personReacquiredOver2s: 0 });
  });

  it("drops a track shorter than minSeconds and counts only confirmed tracks", () => {
    // A person seen for 0.8 s (5 frames, well scored and moving), and one walking for 3 s.
    const video = frames(16, (f) => [...(f < 5 ? [person(400 + 15 * f, 20, 0.8)] : []), person(20 + 10 * f, 300, about(f))]);
    const { ids, trackOf, tracks, summary } = run(video);
    for (let f = 0; f < 5; f++) expect(ids[f][0]).toBeNull();
    expect(distinct(ids.map((row) => row[row.length - 1]))).toEqual([1]);
    expect(trackOf.size).toBe(16);
    expect(tracks.map((t) => [t.trackId, t.startFrame, t.frames])).toEqual([[1, 0, 16]]);
    expect(summary).toMatchObject({ frames: 16, tracks: 1, personTracks: 1, personTracksOver2s: 1 });

    // With a shorter minimum the same person is a track (the rule, not something else, dropped it).
    const lenient = run(video, { confirmation: { minSeconds: 0.5 } });
    expect(lenient.tracks).toHaveLength(2);
    expect(lenient.summary.tracks).toBe(2);
  });

  it("drops a thing that never moves and never scores well, if its class moves by itself", () => {
    // 5 s of a person-shaped box that jitters by a pixel, scored 0.36-0.45.
    const rockScore = (f: number) => 0.36 + (f % 10) * 0.01;
    const rock = frames(25, (f) => [person(300 + (f % 2), 200, rockScore(f))]);
    const dropped = run(rock);
    expect(dropped.tracks).toEqual([]);
    expect(dropped.trackOf.size).toBe(0);
    expect(dropped.summary.tracks).toBe(0);

    // Scored well once: a person standing still.
    const standing = run(rock.map((row, f) => (f === 12 ? [{ ...row[0], score: 0.7 }] : row)));
    expect(standing.tracks.map((t) => t.label)).toEqual(["person"]);
    expect(standing.trackOf.size).toBe(25);

    // A parked car at 0.4: cars do not move by themselves, so standing still says nothing.
    const parked = run(frames(25, (f) => [thing("car", 300 + (f % 2), 200, 0.4, 160, 80)]));
    expect(parked.tracks.map((t) => t.label)).toEqual(["car"]);
    expect(parked.trackOf.size).toBe(25);
  });

  it("drops a track whose first scores have a median under the class's minimum", () => {
    // ByteTrack's gates lowered so that it follows the 0.26 detections at all.
    const tracker = { highThreshold: 0.25, newTrackThreshold: 0.25 };
    const first = [0.26, 0.28, 0.27, 0.29, 0.26];
    const video = frames(15, (f) => [person(20 + 8 * f, 150, f < first.length ? first[f] : 0.5)]);
    const dropped = run(video, { tracker });
    expect(dropped.tracks).toEqual([]);
    expect(dropped.trackOf.size).toBe(0);

    // ByteTrack did follow it: with a lower minimum it is one track from the first frame.
    const kept = run(video, { tracker, confirmation: { minScore: { default: 0.3, person: 0.25 } } });
    expect(kept.ids.flat()).toEqual(Array(15).fill(1));
  });

  it("drops boxes of an implausible size when the frame's size is known", () => {
    // 95% of a 640x480 frame, well scored.
    const huge = frames(10, () => [thing("person", 8, 6, 0.8, 624, 468)]);
    expect(run(huge, { frameSize }).tracks).toEqual([]);
    expect(run(huge, { frameSize }).trackOf.size).toBe(0);
    expect(run(huge).tracks).toHaveLength(1); // without a frame size the rule is skipped
    // Under 0.04% of the frame (8x12 px).
    const tiny = frames(10, () => [thing("person", 300, 200, 0.8, 8, 12)]);
    expect(run(tiny, { frameSize }).tracks).toEqual([]);
    expect(run(tiny).tracks).toHaveLength(1);
    // An ordinary person is kept.
    expect(run(frames(10, (f) => [person(20 + 10 * f, 150)]), { frameSize }).tracks).toHaveLength(1);
  });

  describe("stitching", () => {
    // Walking right at 10 px a frame (50 px/s), seen for frames 0-14, missing for frames 15-26
    // (2.4 s, longer than ByteTrack's buffer of 5 frames), seen again from frame 27.
    const hidden = (f: number) => f >= 15 && f < 27;
    const options = { tracker: { trackBuffer: 5 } };
    const walk = (after: (f: number) => VideoDetection) => frames(42, (f) => (hidden(f) ? [] : f < 15 ? [person(20 + 10 * f, 150)] : [after(f)]));
    const onCourse = walk((f) => person(20 + 10 * f, 150));

    it("keeps one id for a person who reappears where they were heading", () => {
      const raw = run(onCourse, { ...options, confirmation: { stitchSeconds: 0 } });
      expect(distinct(raw.ids.flat())).toEqual([1, 2]); // ByteTrack alone lost them
      const { ids, tracks, summary } = run(onCourse, options);
      expect(distinct(ids.flat())).toEqual([1]);
      expect(tracks).toHaveLength(1);
      expect(tracks[0]).toMatchObject({ trackId: 1, startFrame: 0, endFrame: 82, startTime: 0, frames: 30 });
      expect(tracks[0].endTime).toBeCloseTo(8.2, 9);
      expect(summary.tracks).toBe(1);
    });

    it("gives a new id to a person who reappears far from where that one was heading", () => {
      // The first left at x = 160 heading right; this one appears at the far left.
      const { ids, tracks } = run(walk((f) => person(5 + 10 * (f - 27), 150)), options);
      expect(ids[0][0]).toBe(1);
      expect(ids[27][0]).toBe(2);
      expect(tracks.map((t) => t.trackId)).toEqual([1, 2]);
    });

    it("gives a new id after a gap longer than stitchSeconds", () => {
      // The gap between sightings is 2.6 s (frame 14 to frame 27).
      const { ids } = run(onCourse, { ...options, confirmation: { stitchSeconds: 2 } });
      expect(ids[0][0]).toBe(1);
      expect(ids[27][0]).toBe(2);
      // And a longer gap with the default 3 s: hidden for frames 15-34 (4.2 s between sightings).
      const long = frames(50, (f) => (f >= 15 && f < 35 ? [] : [person(20 + 10 * f, 150)]));
      const apart = run(long, options);
      expect(apart.ids[0][0]).toBe(1);
      expect(apart.ids[35][0]).toBe(2);
    });

    it("never stitches a different class", () => {
      const { ids, tracks } = run(walk((f) => thing("dog", 20 + 10 * f, 150, 0.6)), options);
      expect(ids[0][0]).toBe(1);
      expect(ids[27][0]).toBe(2);
      expect(tracks.map((t) => t.label)).toEqual(["person", "dog"]);
    });
  });

  it("tracks only the scene profile's classes", () => {
    const scene = frames(15, (f) => [person(20 + 10 * f, 150), thing("skis", 400 - 10 * f, 400, 0.7, 120, 20)]);
    const street = run(scene, { classes: classesOf("street") });
    expect(street.ids.every(([p, skis]) => p === 1 && skis === null)).toBe(true);
    expect(street.tracks.map((t) => t.label)).toEqual(["person"]);

    const everything = run(scene, { classes: null });
    expect(everything.ids.every(([p, skis]) => p === 1 && skis === 2)).toBe(true);
    expect(everything.tracks.map((t) => t.label)).toEqual(["person", "skis"]);
  });

  it("numbers results 1, 2, 3 in order of appearance after stitching and dropping", () => {
    // From frame 0: a rock (dropped). Frame 2: A walking along the top, hidden for frames 13-24
    // (stitched). Frames 4-6: a flicker (dropped). Frame 5: B along the middle. Frame 26: C
    // along the bottom.
    const when = (shown: boolean, name: string, d: VideoDetection): [string, VideoDetection][] => (shown ? [[name, d]] : []);
    const named = frames(40, (f) => [
      ...when(true, "rock", thing("person", 560, 320, 0.4)),
      ...when(f >= 2 && !(f >= 13 && f < 25), "A", person(10 * f, 10)),
      ...when(f >= 4 && f < 7, "flicker", person(300, 90, 0.9)),
      ...when(f >= 5, "B", person(600 - 10 * f, 170, 0.7)),
      ...when(f >= 26, "C", person(10 * (f - 26), 320, 0.8)),
    ]);
    const { ids, tracks } = run(named.map((row) => row.map(([, d]) => d)), { tracker: { trackBuffer: 5 } });
    const idsOf = (name: string) => distinct(named.flatMap((row, f) => row.flatMap(([n], k) => (n === name ? [ids[f][k]] : []))));
    expect(idsOf("rock")).toEqual([null]);
    expect(idsOf("A")).toEqual([1]);
    expect(idsOf("flicker")).toEqual([null]);
    expect(idsOf("B")).toEqual([2]);
    expect(idsOf("C")).toEqual([3]);
    expect(tracks.map((t) => [t.trackId, t.startFrame])).toEqual([
      [1, 4],
      [2, 10],
      [3, 52],
    ]);
  });
});
