import { mkdir } from "node:fs/promises";
import type { DetectionPlan } from "@/lib/analysis/detect-chunk";
import type { Db } from "@/lib/db/client";
import { appendJobLog, reportProgress } from "@/lib/jobs";
import { reframeFiles } from "./files";
import { cropPath, cropSize, type Aspect, type ShotPlan } from "@/lib/framing/crop-path";
import { jitter } from "@/lib/framing/smoothing";
import { subjectTimeline } from "@/lib/framing/subject-timeline";
import { sampledFrames, trackedRows } from "./measure";
import { fitRanges, renderReframe } from "./render";

/**
 * The render step of reframe-video: each scene's subject followed through its sampled frames,
 * one smoothed crop path over the video (with the background rule where the subject is wider
 * than the crop), rendered to the job's reframed.mp4. Returns the reframe's figures.
 */
export async function followSubject(
  database: Db,
  jobId: string,
  file: string,
  plan: Pick<DetectionPlan, "duration" | "sourceFps" | "width" | "height">,
  scenes: { start_frame: number; end_frame: number; start_time: number; end_time: number; subject: string | null }[],
  aspect: Aspect,
) {
  const files = reframeFiles(jobId);
  const label = `Rendering ${aspect}`;
  const total = Math.max(1, Math.round(plan.duration));
  const report = (processed: number) => reportProgress(database, jobId, { processed, total, phase: "render", currentStep: label });
  await report(0);
  const shots: ShotPlan[] = [];
  for (const scene of scenes) {
    const rows = await trackedRows(database, jobId, scene.start_frame, scene.end_frame);
    const sampled = await sampledFrames(database, jobId, scene.start_frame, scene.end_frame);
    const centres = subjectTimeline(rows, sampled);
    shots.push({ start: scene.start_time, end: scene.end_time, subject: scene.subject, samples: sampled.map((f, k) => ({ time: f.timestamp, centre: centres[k] })) });
  }
  const size = cropSize(aspect, plan.width, plan.height);
  const offsets = cropPath(shots, size, plan, plan.sourceFps, plan.duration);
  const fit = fitRanges(shots, size);
  await mkdir(files.dir, { recursive: true });
  const started = Date.now();
  await renderReframe({
    file,
    output: files.reframed,
    commandsFile: files.commands,
    size,
    offsets,
    fps: plan.sourceFps,
    fit,
    onTime: (seconds) => void report(Math.round(seconds)),
  });
  const figure = jitter(offsets);
  await appendJobLog(database, jobId, `Reframed to ${aspect} (${size.width}x${size.height}) in ${((Date.now() - started) / 1000).toFixed(1)} s; crop jitter ${figure.toFixed(3)} px/frame²`);
  const fitted = fit.reduce((sum, range) => sum + range.end - range.start, 0);
  if (fit.length) await appendJobLog(database, jobId, `Background rule: ${fit.length} stretches (${fitted.toFixed(1)} s) shown whole over a blurred copy, the subject being wider than the crop`);
  return { aspect, width: size.width, height: size.height, axis: size.axis, jitter: round(figure), render_seconds: round((Date.now() - started) / 1000), fit_ranges: fit.map((r) => ({ start: round(r.start), end: round(r.end) })) };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
