import { rm } from "node:fs/promises";
import { NonRetriableError } from "inngest";
import { withSubjectCrops, type CropSummary } from "@/lib/editor/subject-crops";
import { loudnessAndShots } from "@/lib/editor/media-analysis";
import { findSpokenMoments } from "@/lib/editor/find-moments";
import { parseAspect, renderTimeline } from "@/lib/editor/render";
import { transcribeFile } from "@/lib/editor/transcribe-source";
import { jobOutput } from "@/lib/jobs/job-output";
import { cancellable, jobFileUrl } from "@/lib/jobs/job-files";
import { summarizeVideo } from "@/lib/videos/summarize-video";
import { db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { visualMoments } from "@/lib/editor/visual-moments";
import { getJobOrThrow, ownerCaller } from "@/lib/jobs";
import { eq } from "drizzle-orm";
import { jobFunction, nonRetriable } from "./_job-function";

/** The analysis job (one the job's owner may see, completed) and what it saw of the prompt. */
async function visualMomentsFor(jobId: string, analysisJobId: string, prompt: string, duration: number, max: number) {
  const database = await db();
  const [self] = await database.select({ ownerId: jobs.ownerId }).from(jobs).where(eq(jobs.id, jobId));
  const analysis = await getJobOrThrow(database, await ownerCaller(database, self?.ownerId ?? null), analysisJobId).catch((error: unknown) => {
    throw nonRetriable(error);
  });
  if (analysis.kind !== "analyze" || analysis.status !== "completed") throw new NonRetriableError(`Job ${analysisJobId} is not a completed analysis job`);
  return visualMoments(database, analysis.id, prompt, { duration, max });
}

/**
 * generate_clip: by `start`/`end` (default the first 10 s), or by `prompt`: with
 * `analysis_job_id`, where that analysis detected the named class or OCR read the text
 * (lib/editor/visual-moments.ts); otherwise (or when it saw neither) the moments its words
 * are spoken (the video is transcribed, lib/editor/find-moments.ts), cut on word and
 * shot boundaries; each clip with short fades (`fade`, 0.15 s default) and an optional
 * `aspect` (the reframer's subject-following crop, lib/editor/subject-crops.ts). `result_payload.clips = [{start, end, url, reason}]`.
 */
export default jobFunction("generate-clip", "generate_clip", async ({ jobId, payload, source, step, progress }) => {
  return step.run("clip", async () => {
    await progress(0, 100, "prepare");
    const summary = await summarizeVideo(source).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    if (!summary.video) throw new NonRetriableError("The video has no picture to clip");
    const duration = summary.duration_seconds ?? 0;
    return cancellable(jobId, async (signal) => {
      let moments: { start: number; end: number; reason: string }[];
      let transcriptEngine: string | null = null;
      const seen = payload.prompt !== undefined && payload.analysis_job_id ? await visualMomentsFor(jobId, payload.analysis_job_id, payload.prompt, duration, payload.max_clips) : [];
      if (seen.length) {
        moments = seen;
        await progress(55, 100, "cut", `Found ${seen.length} moment(s): ${seen[0].reason}`);
      } else if (payload.prompt !== undefined) {
        if (!summary.audio) throw new NonRetriableError("The video has no audio: a prompt is matched against its spoken words");
        const transcript = await transcribeFile(jobId, source.file, {
          language: payload.language,
          signal,
          onProgress: (done, total) => progress(Math.round((done / Math.max(1, total)) * 50), 100, "transcribe"),
        }).catch((error: unknown) => {
          throw nonRetriable(error);
        });
        transcriptEngine = transcript.engine;
        const { shots } = await loudnessAndShots(source.file, duration, { hasAudio: false, hasVideo: true, signal });
        const found = findSpokenMoments(transcript.words, payload.prompt, { duration, shotBoundaries: shots.slice(1).map((s) => s.start), max: payload.max_clips });
        if (!found.length) throw new NonRetriableError(`"${payload.prompt}" is not spoken in the video (heard: ${transcript.text.slice(0, 120) || "no words"})`);
        moments = found.map((m) => ({ start: m.start, end: m.end, reason: `spoken: "${m.matched}" (${Math.round(m.score * 100)}% of the prompt's words)` }));
        await progress(55, 100, "cut", `Found ${found.length} moment(s) where "${payload.prompt}" is said`);
      } else {
        const start = Math.min(payload.start ?? 0, Math.max(0, duration - 0.1));
        const end = Math.min(payload.end ?? start + 10, duration);
        if (end <= start) throw new NonRetriableError(`start ${start} s is past the video's end (${duration.toFixed(2)} s)`);
        moments = [{ start, end, reason: "start/end" }];
      }
      const clips: { start: number; end: number; url: string; reason: string }[] = [];
      const crops: CropSummary["segments"] = [];
      const files: Record<string, string> = {};
      const base = payload.prompt !== undefined ? 55 : 0;
      for (const [index, moment] of moments.entries()) {
        const name = moments.length === 1 ? "clip.mp4" : `clip-${index + 1}.mp4`;
        const fade = Math.min(payload.fade, (moment.end - moment.start) / 4);
        const cut = { file: source.file, in: moment.start, out: moment.end, hasAudio: Boolean(summary.audio), width: summary.video!.width, height: summary.video!.height };
        const framed = payload.aspect
          ? await withSubjectCrops([cut], { aspect: payload.aspect, fps: 30, commandsFile: () => jobOutput(jobId, `.crop-${index}.cmd`).file, signal })
          : null;
        if (framed) crops.push(framed.summary.segments[0]);
        await renderTimeline(
          {
            segments: framed ? framed.segments : [cut],
            height: payload.height ?? Math.min(720, Math.round(summary.video!.height / 2) * 2),
            aspect: payload.aspect ? (parseAspect(payload.aspect) ?? undefined) : undefined,
            fade: fade > 0 ? Number(fade.toFixed(3)) : undefined,
            loudnessTarget: null,
          },
          jobOutput(jobId, name).file,
          { signal, onProgress: (f) => void progress(Math.round(base + ((index + f) / moments.length) * (99 - base)), 100, "cut").catch(() => undefined) },
        );
        if (framed) await rm(jobOutput(jobId, `.crop-${index}.cmd`).file, { force: true });
        const url = jobFileUrl(jobId, name);
        files[moments.length === 1 ? "clip" : `clip_${index + 1}`] = url;
        clips.push({ start: moment.start, end: moment.end, url, reason: moment.reason });
      }
      await progress(100, 100, "cut", `Cut ${clips.length} clip(s)`);
      return { clips, files, ...(crops.length ? { crop: { mode: "subject", segments: crops } } : {}), ...(transcriptEngine ? { transcript_engine: transcriptEngine } : {}) };
    });
  });
});
