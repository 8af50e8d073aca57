import { rm, writeFile } from "node:fs/promises";
import { captionsAss, outputSize, parseAspect, renderTimeline, type RenderSpec } from "@/lib/editor/render";
import { resolveTimeline, timelineCaptions } from "@/lib/editor/timeline";
import { jobOutput } from "@/lib/jobs/job-output";
import { cancellable, jobFileUrl } from "@/lib/jobs/job-files";
import { jobFunction, nonRetriable } from "./_job-function";

/**
 * render: the payload's timeline (`segments`, default the whole video) in one ffmpeg graph
 * (lib/editor/render.ts): `aspect` by centre crop, `captions` burned in with libass from the
 * timeline's transcript, an `overlay` text, loudness normalised to `loudness` LUFS (-14
 * default), H.264/AAC MP4 with +faststart at files.video. Progress from ffmpeg's -progress.
 */
export default jobFunction("render", "render", async ({ jobId, payload, source, step, progress }) => {
  const rendered = await step.run("render", async () => {
    await progress(0, 100, "prepare");
    const timeline = await resolveTimeline(jobId, source, payload.segments).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    return cancellable(jobId, async (signal) => {
      const spec: RenderSpec = {
        segments: timeline,
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
        await progress(10, 100, "captions", `Captions: ${heard.cues.length} cues from ${heard.words.length} words`);
      }
      if (payload.overlay) {
        const text = jobOutput(jobId, ".overlay.txt");
        await writeFile(text.file, payload.overlay.text);
        spec.overlay = { textFile: text.file, position: payload.overlay.position, start: payload.overlay.start, end: payload.overlay.end };
      }
      const base = captions ? 10 : 0;
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
          crop: payload.aspect ? "centre" : null,
          loudness_target: payload.loudness,
          captions,
        },
      };
    });
  });
  return rendered;
});
