import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db/client";
import { detectChunk, planDetection } from "@/lib/analysis/detect-chunk";
import { trackJob } from "@/lib/analysis/track-job";
import { appendJobLog, reportProgress } from "@/lib/jobs";
import { decodeFrames } from "@/lib/media/frames";
import { masksForFrame, masksForImage, type MadeMask } from "@/lib/reframer/masks";
import { cropPath, cropSize, type ShotPlan } from "@/lib/framing/crop-path";
import { jitter } from "@/lib/framing/smoothing";
import { subjectTimeline } from "@/lib/framing/subject-timeline";
import { maskPlan, measureShot, subjectOf, trackedRows, trackName } from "@/lib/reframer/measure";
import { fitRanges, renderReframe } from "@/lib/reframer/render";
import { describeShot, importanceOf, replaceableElements, type ShotObject } from "@/lib/reframer/scenes";
import { cutKeyframes, listen, readKeyframeText, speechIn } from "@/lib/reframer/shot-content";
import { describeWithLlm, llmConfig, type ShotFacts } from "@/lib/reframer/llm-describe";
import { reframeFiles } from "@/lib/reframer/files";
import { detectShots, SCENE_CUTS } from "@/lib/shots/detect-shots";
import { jobFunction, nonRetriable } from "./_job-function";

/**
 * reframe-video (contracts/reframer.md, POST /process): the analysis pipeline's pieces (probe,
 * detector chunks on the worker, ByteTrack), then masks of the tracked objects, shots, and,
 * when an aspect was asked for, the subject-following crop. Detections and tracks go to the
 * analysis tables; masks to an NDJSON file in the job's media folder; the small rest
 * (metadata, scenes, the reframe's figures) to the job's result.
 */
export default jobFunction("reframe-video", "reframe", async ({ jobId, payload, source, step }) => {
  const plan = await step.run("probe", async () => {
    const database = await db();
    await reportProgress(database, jobId, { processed: 0, total: 1, phase: "probe", currentStep: "Checking the video" });
    const plan = await planDetection(source.file, payload.checked, { fps: payload.fps, chunkSeconds: 30 }).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    await reportProgress(database, jobId, { processed: 0, total: plan.total, phase: "detect", currentStep: `Detecting objects (0/${plan.total} frames)` });
    return plan;
  });

  const chunkResults = await Promise.all(
    plan.chunks.map((chunk, i) =>
      step.run(`detect-chunk-${i + 1}`, async () => {
        const database = await db();
        const result = await detectChunk(
          database,
          jobId,
          { path: source.file, start: chunk.start, end: chunk.end, fps: plan.fps, tasks: ["detect"], source: plan.source },
          (processed) => ({ total: plan.total, phase: "detect", currentStep: `Detecting objects (${processed}/${plan.total} frames)` }),
        );
        await appendJobLog(database, jobId, `Chunk ${i + 1}/${plan.chunks.length}: ${result.frames} frames, ${result.detections} detections`);
        return result;
      }),
    ),
  );
  const frames = chunkResults.reduce((sum, r) => sum + r.frames, 0);

  const tracked = await step.run("track", async () => {
    const database = await db();
    await reportProgress(database, jobId, { processed: 0, total: 1, phase: "track", currentStep: "Tracking objects across the video" });
    // Looser gates than the analysis defaults (high 0.5, new 0.6, match 0.8, unconfirmed 0.7):
    // the small detector scores many real people 0.3-0.4, and ByteTrack's match cost is
    // 1 - IoU x score, so at those scores no match could pass and nobody was tracked. A person
    // left untracked can be neither masked nor followed.
    const result = await trackJob(database, jobId, { tracker: { ...reframeTracker, trackBuffer: Math.max(1, Math.round(2 * plan.fps)) }, confirmation: reframeConfirmation, frameSize: plan });
    await appendJobLog(database, jobId, `Tracking: ${result.tracks} tracks over ${result.frames} frames`);
    return result;
  });

  const files = reframeFiles(jobId);
  const every = Math.max(1, Math.round(plan.fps));
  const segmented = await step.run("segment", async () => {
    const database = await db();
    const planned = await maskPlan(database, jobId, every);
    const objects = new Set(planned.flatMap((frame) => frame.objects.map((o) => o.trackId))).size;
    const step = `Segmenting ${objects} tracked objects`;
    await reportProgress(database, jobId, { processed: 0, total: Math.max(1, planned.length), phase: "segment", currentStep: step });
    await mkdir(files.dir, { recursive: true });
    const lines: { frame: number; text: string }[] = [];
    const colourVotes = new Map<string, Map<string, number>>();
    const methods = { segmenter: 0, grabcut: 0 };
    // One ffmpeg stream decodes the mask frames: the sampled grid at the job's own rate, so each
    // frame is the picture the detector saw (ffmpeg's fps filter at a lower rate would pick other
    // source frames for the same times, and the masks would miss their boxes); the frames between
    // are skipped. A planned frame the stream does not give is cut by itself.
    const byIndex = new Map(planned.map((frame) => [frame.frameIndex, frame]));
    const done = new Set<number>();
    const work = path.join(files.dir, "masks-work");
    const add = (frameIndex: number, made: MadeMask[]) => {
      for (const mask of made) {
        const name = trackName(mask.trackId);
        lines.push({ frame: frameIndex, text: JSON.stringify({ frame: frameIndex, track_id: name, class: mask.kind, mask_rle: mask.rle, mask_area_pixels: mask.area }) });
        methods[mask.method]++;
        if (mask.colour) {
          const votes = colourVotes.get(name) ?? new Map<string, number>();
          votes.set(mask.colour, (votes.get(mask.colour) ?? 0) + 1);
          colourVotes.set(name, votes);
        }
      }
      done.add(frameIndex);
    };
    let reported = Date.now();
    try {
      const frames = decodeFrames({ path: source.file, fps: plan.fps, start: 0, end: plan.duration, width: plan.width, height: plan.height, sourceFps: plan.sourceFps });
      // Two frames in flight: while the worker segments one frame's people, this process runs
      // GrabCut on the frame before. Each takes its own folder; results are added in order.
      let previous: Promise<void> = Promise.resolve();
      let started = 0;
      for await (const image of frames) {
        const frame = byIndex.get(image.index);
        if (!frame || done.has(frame.frameIndex)) continue;
        const made = masksForImage(image, frame.objects, `${work}-${started++ % 2}`);
        made.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
        await previous;
        previous = made.then((masks) => add(frame.frameIndex, masks));
        previous.catch(() => undefined);
        if (Date.now() - reported >= 1000) {
          reported = Date.now();
          await reportProgress(database, jobId, { processed: done.size, total: Math.max(1, planned.length), phase: "segment", currentStep: step });
        }
        if (started === planned.length) break; // the rest of the video has no mask frame; leaving stops ffmpeg
      }
      await previous;
      for (const frame of planned) {
        if (done.has(frame.frameIndex)) continue;
        add(frame.frameIndex, await masksForFrame(source.file, frame.timestamp, plan, frame.objects, work));
      }
    } finally {
      await Promise.all([work, `${work}-0`, `${work}-1`].map((dir) => rm(dir, { recursive: true, force: true })));
    }
    lines.sort((a, b) => a.frame - b.frame);
    await reportProgress(database, jobId, { processed: planned.length, total: Math.max(1, planned.length), phase: "segment", currentStep: step });
    await writeFile(`${files.masks}.partial`, lines.length ? lines.map((line) => line.text).join("\n") + "\n" : "");
    await rename(`${files.masks}.partial`, files.masks);
    const colours = Object.fromEntries([...colourVotes].map(([name, votes]) => [name, [...votes].sort(([, a], [, b]) => b - a)[0][0]]));
    await appendJobLog(database, jobId, `Masks: ${lines.length} on ${planned.length} frames (${methods.segmenter} by the person segmenter, ${methods.grabcut} by GrabCut)`);
    return { masks: lines.length, frames: planned.length, colours, methods };
  });

  const speech = await step.run("speech", async () => {
    const database = await db();
    await reportProgress(database, jobId, { processed: 0, total: 1, phase: "speech", currentStep: "Listening for speech" });
    const work = path.join(files.dir, "speech-work");
    try {
      const words = await listen(source.file, work, (done, total) => void reportProgress(database, jobId, { processed: done, total: Math.max(1, total), phase: "speech", currentStep: "Listening for speech" }));
      await mkdir(files.dir, { recursive: true });
      await writeFile(`${files.speech}.partial`, JSON.stringify(words.map(({ word, start, end }) => ({ word, start, end }))));
      await rename(`${files.speech}.partial`, files.speech);
      await appendJobLog(database, jobId, words.length ? `Speech: ${words.length} words` : "Speech: none heard");
      return { words: words.length };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  const scenes = await step.run("scenes", async () => {
    const database = await db();
    await reportProgress(database, jobId, { processed: 0, total: Math.max(1, Math.round(plan.duration)), phase: "scenes", currentStep: "Finding scenes" });
    const shots = await detectShots(source.file, plan.duration, { ...SCENE_CUTS, onTime: (seconds) => void reportProgress(database, jobId, { processed: Math.round(seconds), total: Math.max(1, Math.round(plan.duration)), phase: "scenes", currentStep: "Finding scenes" }) });
    const keyframes = await cutKeyframes(source.file, shots, files.keyframes, plan);
    const texts = await readKeyframeText(keyframes);
    const words = speech.words ? (JSON.parse(await readFile(files.speech, "utf8")) as { word: string; start: number; end: number }[]) : [];
    const llm = llmConfig();
    const sources = { measured: 0, llm: 0 };
    const out = [];
    for (const [i, shot] of shots.entries()) {
      const startFrame = Math.round(shot.start * plan.sourceFps);
      const endFrame = Math.max(startFrame, Math.ceil(shot.end * plan.sourceFps - 1e-6) - 1);
      const rows = await trackedRows(database, jobId, startFrame, endFrame);
      const objects = measureShot(rows, plan, segmented.colours);
      const subject = subjectOf(rows);
      const content = { text: texts[i], speech: speechIn(words, shot) };
      const written = describeShot(objects, shot.end - shot.start, content);
      const described = llm ? await describeWithLlm(llm, keyframes[i], shotFacts(objects, shot.end - shot.start, written, content)) : { description: written, source: "measured" as const };
      if (described.error) await appendJobLog(database, jobId, `Scene ${i + 1}: the written description stands (${described.error})`);
      sources[described.source]++;
      out.push({
        scene_number: i + 1,
        start_frame: startFrame,
        end_frame: endFrame,
        start_time: round(shot.start),
        end_time: round(shot.end),
        description: described.description,
        description_source: described.source,
        text_on_screen: content.text,
        speech: content.speech,
        importance: importanceOf(objects, content),
        replaceable_elements: replaceableElements(objects),
        subject: subject === null ? null : trackName(subject),
        subjectId: subject,
      });
      await reportProgress(database, jobId, { processed: Math.round(shot.end), total: Math.max(1, Math.round(plan.duration)), phase: "scenes", currentStep: "Describing scenes" });
    }
    await appendJobLog(database, jobId, `Scenes: ${out.length} (descriptions: ${sources.measured} written from the measurements, ${sources.llm} by ${llm ? llm.model : "no model"})`);
    return out;
  });

  let reframe: Record<string, unknown> | null = null;
  if (payload.aspect) {
    const aspect = payload.aspect;
    reframe = await step.run("render", async () => {
      const database = await db();
      const label = `Rendering ${aspect}`;
      await reportProgress(database, jobId, { processed: 0, total: Math.max(1, Math.round(plan.duration)), phase: "render", currentStep: label });
      const shots: ShotPlan[] = [];
      for (const scene of scenes) {
        const rows = await trackedRows(database, jobId, scene.start_frame, scene.end_frame);
        const sampled = await database.query.analysisFrames.findMany({
          columns: { frameIndex: true, timestamp: true },
          where: (f, { and, eq, gte, lte }) => and(eq(f.jobId, jobId), gte(f.frameIndex, scene.start_frame), lte(f.frameIndex, scene.end_frame)),
          orderBy: (f, { asc }) => [asc(f.frameIndex)],
        });
        const centres = subjectTimeline(rows, sampled);
        shots.push({ start: scene.start_time, end: scene.end_time, subject: scene.subject, samples: sampled.map((f, k) => ({ time: f.timestamp, centre: centres[k] })) });
      }
      const size = cropSize(aspect, plan.width, plan.height);
      const offsets = cropPath(shots, size, plan, plan.sourceFps, plan.duration);
      const fit = fitRanges(shots, size);
      await mkdir(files.dir, { recursive: true });
      const started = Date.now();
      await renderReframe({
        file: source.file,
        output: files.reframed,
        commandsFile: files.commands,
        size,
        offsets,
        fps: plan.sourceFps,
        fit,
        onTime: (seconds) => void reportProgress(database, jobId, { processed: Math.round(seconds), total: Math.max(1, Math.round(plan.duration)), phase: "render", currentStep: label }),
      });
      const figure = jitter(offsets);
      await appendJobLog(database, jobId, `Reframed to ${aspect} (${size.width}x${size.height}) in ${((Date.now() - started) / 1000).toFixed(1)} s; crop jitter ${figure.toFixed(3)} px/frame²`);
      const fitted = fit.reduce((sum, range) => sum + range.end - range.start, 0);
      if (fit.length) await appendJobLog(database, jobId, `Background rule: ${fit.length} stretches (${fitted.toFixed(1)} s) shown whole over a blurred copy, the subject being wider than the crop`);
      return { aspect, width: size.width, height: size.height, axis: size.axis, jitter: round(figure), render_seconds: round((Date.now() - started) / 1000), fit_ranges: fit.map((r) => ({ start: round(r.start), end: round(r.end) })) };
    });
  }

  return {
    metadata: { duration_seconds: round(plan.duration), width: plan.width, height: plan.height, fps: round(plan.sourceFps), codec: plan.codec, total_frames: Math.round(plan.duration * plan.sourceFps) },
    sample_fps: plan.fps,
    frames,
    tracks: tracked.tracks,
    masks: { count: segmented.masks, frames: segmented.frames, every_nth_sampled_frame: every, methods: segmented.methods },
    scenes: scenes.map(({ subjectId: _id, ...scene }) => scene),
    reframe,
  };
});

/** ByteTrack settings for reframe jobs (README "Video Reframer"). */
/** Confirmation to match: a track is kept from half a second on, at the scores the gates let in. */
export const reframeConfirmation = { minSeconds: 0.5, minScore: { default: 0.25, person: 0.25 } };
export const reframeTracker = { highThreshold: 0.25, newTrackThreshold: 0.3, matchThreshold: 0.95, unconfirmedMatchThreshold: 0.95 };

/** What the LLM describer is told about a shot (llm-describe.ts ShotFacts). */
function shotFacts(objects: ShotObject[], seconds: number, written: string, content: { text: string[]; speech: string | null }): ShotFacts {
  const place = (x: number) => (x < 0.33 ? "left" : x > 0.67 ? "right" : "centre");
  return {
    seconds: round(seconds),
    written,
    objects: objects.filter((o) => o.kind !== "other").map((o) => ({ track_id: o.trackId, label: o.label, colour: o.colour, position: place(o.position), moving: o.speed >= 0.03 ? o.direction : null })),
    text_on_screen: content.text,
    speech: content.speech,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
