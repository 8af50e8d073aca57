import { rm, writeFile } from "node:fs/promises";
import { overlayImageForJob } from "@/lib/editor/overlay-image";
import { captionsAss, outputSize, parseAspect, renderTimeline, type RenderSpec } from "@/lib/editor/render";
import { withSubjectCrops, type CropSummary } from "@/lib/editor/subject-crops";
import { resolveTimeline, timelineCaptions } from "@/lib/editor/timeline";
import { jobOutput } from "@/lib/jobs/job-output";
import { cancellable, jobFileUrl } from "@/lib/jobs/job-files";
import { jobFunction, nonRetriable } from "./_job-function";

/**
 * render: the payload's timeline (`segments`, default the whole video) in one ffmpeg graph
 * (lib/editor/render.ts): `aspect` by the reframer's subject-following crop (detector on the
 * inference worker, lib/editor/subject-crops.ts), `captions` burned in with libass from the
 * timeline's transcript, an `overlay` text and/or picture, loudness normalised to `loudness`
 * LUFS (-14 default), H.264/AAC MP4 with +faststart at files.video. Progress from ffmpeg's
 * -progress.
 */
export default jobFunction("render", "render", async ({ jobId, payload, source, step, progress }) => {
  const rendered = await step.run("render", async () => {
    await progress(0, 100, "prepare");
    const timeline = await resolveTimeline(jobId, source, payload.segments).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    return cancellable(jobId, async (signal) => {
      const overlayImage = payload.overlay?.image
        ? await overlayImageForJob(jobId, payload.overlay.image).catch((error: unknown) => {
            throw nonRetriable(error);
          })
        : undefined;
      let crops: CropSummary | null = null;
      let segments = timeline;
      if (payload.aspect) {
        const made = await withSubjectCrops(timeline, {
          aspect: payload.aspect,
          fps: 30,
          commandsFile: (k) => jobOutput(jobId, `.crop-${k}.cmd`).file,
          signal,
          onSegment: (done, total) => void progress(Math.round((done / total) * 10), 100, "reframe", `Subject crop for segment ${done}/${total}`).catch(() => undefined),
        });
        segments = made.segments;
        crops = made.summary;
      }
      const spec: RenderSpec = {
        segments,
        height: payload.height ?? Math.min(720, Math.round(timeline[0].height / 2) * 2),
        aspect: payload.aspect ? (parseAspect(payload.aspect) ?? undefined) : undefined,
        loudnessTarget: payload.loudness,
      };
      const size = outputSize(spec);
      const files: Record<string, string> = {};
      let captions: { cues: number; words: number; engine: string | null } | null = null;
      if (payload.captions) {
        const language = typeof payload.captions === "object" ? (payload.captions.language ?? "en") : "en";
        const heard = await timelineCaptions(jobId, timeline, { language, signal });
        const ass = jobOutput(jobId, "captions.ass");
        await writeFile(ass.file, captionsAss(heard.cues, size.width, size.height));
        spec.assFile = ass.file;
        files.captions = jobFileUrl(jobId, "captions.ass");
        captions = { cues: heard.cues.length, words: heard.words.length, engine: heard.engine };
        await progress(crops ? 20 : 10, 100, "captions", `Captions: ${heard.cues.length} cues from ${heard.words.length} words`);
      }
      const overlay = payload.overlay;
      if (overlay?.text !== undefined) {
        const text = jobOutput(jobId, ".overlay.txt");
        await writeFile(text.file, overlay.text);
        spec.overlay = { textFile: text.file, position: overlay.position, start: overlay.start, end: overlay.end };
      }
      if (overlay && overlayImage) spec.image = { file: overlayImage, position: overlay.position, scale: overlay.scale, opacity: overlay.opacity, start: overlay.start, end: overlay.end };
      const base = (captions ? 10 : 0) + (crops ? 10 : 0);
      let last = -1;
      const output = jobOutput(jobId, "render.mp4");
      const made = await renderTimeline(spec, output.file, {
        signal,
        onProgress: (fraction) => {
          const at = Math.round(base + fraction * (99 - base));
          if (at > last) {
            last = at;
            void progress(at, 100, "encode").catch(() => undefined);
          }
        },
      });
      await rm(jobOutput(jobId, ".overlay.txt").file, { force: true });
      for (const k of segments.keys()) await rm(jobOutput(jobId, `.crop-${k}.cmd`).file, { force: true });
      files.video = jobFileUrl(jobId, "render.mp4");
      await progress(100, 100, "encode", `Rendered ${made.duration.toFixed(1)} s at ${made.width}x${made.height}${payload.loudness !== null ? `, loudness ${payload.loudness} LUFS` : ""}`);
      return {
        files,
        render: {
          duration: made.duration,
          width: made.width,
          height: made.height,
          segments: timeline.length,
          aspect: payload.aspect ?? null,
          crop: crops,
          overlay: overlay ? { text: overlay.text !== undefined, image: overlayImage !== undefined, position: overlay.position } : null,
          loudness_target: payload.loudness,
          captions,
        },
      };
    });
  });
  return rendered;
});
