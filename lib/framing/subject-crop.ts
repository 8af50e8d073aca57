import { analyzeRange } from "@/lib/inference/worker-client";
import type { TrackerOptions } from "@/lib/tracking/bytetrack";
import { VideoTracker } from "@/lib/tracking/video-tracker";
import { detectShots, SCENE_CUTS } from "@/lib/shots/detect-shots";
import { cropPath, cropSize, type Aspect, type ShotPlan } from "./crop-path";
import { subjectTimeline } from "./subject-timeline";

/**
 * The subject-following crop for one range of one file, without an analysis job: the
 * editor's render and generate_clip ask for it per segment, and it follows the reframer's rules. The range is sampled at
 * `sampleFps` (2.5 by default: a walking person moves a few percent of the frame between
 * samples, and the smoother in ./smoothing.ts interpolates between them) and run through the
 * detector on the inference worker; the boxes are tracked in memory (lib/tracking/video-tracker.ts:
 * ByteTrack, stitching with appearance, a lenient confirmation); shots come
 * from ffmpeg's scene scores over the range (lib/shots, the reframer's rules); each shot's
 * subject is chosen as the reframer does (./subject-timeline.ts), and the crop path is the
 * reframer's own (./crop-path.ts cropSize, cropPath), one offset per output frame on the range's clock (0 = start).
 */
export type SubjectCrop = {
  width: number;
  height: number;
  axis: "x" | "y";
  /** Left (axis x) or top (axis y) edge of the crop at each output frame n / fps. */
  offsets: number[];
  fps: number;
  shots: number;
  /** Sampled frames, and those in which a subject was in view. */
  sampled: number;
  seen: number;
  /** The subject's centre (source pixels) at each sampled time, null where none was in view. */
  subjects: { time: number; centre: { x: number; y: number } | null }[];
};

export const SUBJECT_SAMPLE_FPS = 2.5;

/**
 * ByteTrack at a low sampling rate: between two samples 0.4 s apart a walking person's box
 * overlaps its last position far less than at video rate, so the gates are looser than the
 * analysis defaults (as reframe-video's are, for the small detector's 0.3-0.4 scores), and a
 * lost track is remembered for about 2 s of samples.
 */
function trackerAt(sampleFps: number): Partial<TrackerOptions> {
  return { highThreshold: 0.25, newTrackThreshold: 0.3, matchThreshold: 0.97, unconfirmedMatchThreshold: 0.97, secondMatchThreshold: 0.8, trackBuffer: Math.max(2, Math.round(2 * sampleFps)) };
}

export async function subjectCrop(input: {
  file: string;
  start: number;
  end: number;
  frame: { width: number; height: number };
  aspect: string;
  /** Output frame rate: the path has one offset per output frame. */
  fps: number;
  sampleFps?: number;
  signal?: AbortSignal;
}): Promise<SubjectCrop> {
  const sampleFps = input.sampleFps ?? SUBJECT_SAMPLE_FPS;
  const duration = input.end - input.start;
  // The shared video tracker: ByteTrack at the gates below, stitching (appearance included) and
  // a confirmation as lenient as the reframer's, so a person passing behind another keeps one id.
  const tracker = new VideoTracker({ tracker: trackerAt(sampleFps), confirmation: { minSeconds: 0.5, minScore: { default: 0.25, person: 0.25 }, stitchSeconds: 2 } });
  type Row = { frameIndex: number; timestamp: number; label: string; confidence: number; x: number; y: number; width: number; height: number; trackId: number | null };
  const rows: Row[] = [];
  const sampled: { frameIndex: number; timestamp: number }[] = [];
  for await (const frame of analyzeRange({ path: input.file, start: input.start, end: input.end, fps: sampleFps, tasks: ["detect"] }, input.signal)) {
    const time = frame.timestamp - input.start;
    const frameIndex = sampled.length;
    sampled.push({ frameIndex, timestamp: time });
    const refs = frame.detections.map((d) => rows.push({ frameIndex, timestamp: time, label: d.class, confidence: d.confidence, ...d.bbox, trackId: null }) - 1);
    tracker.push({ index: frameIndex, timestamp: time, detections: frame.detections.map((d) => ({ label: d.class, score: d.confidence, box: d.bbox, appearance: d.appearance })) }, refs);
  }
  const { trackOf } = tracker.finish();
  trackOf.forEach((trackId, ref) => (rows[ref].trackId = trackId));
  const tracked = rows.filter((row) => row.trackId !== null);
  input.signal?.throwIfAborted();
  const shots = await detectShots(input.file, duration, { ...SCENE_CUTS, range: { start: input.start, end: input.end }, signal: input.signal });
  const size = cropSize(input.aspect as Aspect, input.frame.width, input.frame.height);
  let seen = 0;
  const plans: ShotPlan[] = shots.map((shot) => {
    const inShot = sampled.filter((s) => s.timestamp >= shot.start && s.timestamp < shot.end);
    const first = inShot[0]?.frameIndex ?? -1;
    const last = inShot.at(-1)?.frameIndex ?? -2;
    const centres = subjectTimeline(
      tracked.filter((row) => row.frameIndex >= first && row.frameIndex <= last),
      inShot,
    );
    seen += centres.filter(Boolean).length;
    return { start: shot.start, end: shot.end, subject: null, samples: inShot.map((s, k) => ({ time: s.timestamp, centre: centres[k] })) };
  });
  const offsets = cropPath(plans, size, input.frame, input.fps, duration);
  return { ...size, offsets, fps: input.fps, shots: shots.length, sampled: sampled.length, seen, subjects: plans.flatMap((plan) => plan.samples) };
}

/**
 * ffmpeg `sendcmd` lines that move the crop instance `target` (e.g. `crop@s0`) along the path,
 * one command where the offset changes; times on the range's clock.
 */
export function cropCommands(crop: SubjectCrop, target: string): string {
  const lines: string[] = [];
  let previous = Number.NaN;
  crop.offsets.forEach((offset, n) => {
    if (offset === previous) return;
    previous = offset;
    lines.push(`${(n / crop.fps).toFixed(4)} ${target} ${crop.axis} ${offset};`);
  });
  return `${lines.join("\n")}\n`;
}
