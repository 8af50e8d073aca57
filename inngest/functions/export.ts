import { writeFile } from "node:fs/promises";
import { NonRetriableError } from "inngest";
import { db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { cocoJson, detectionsCsv, eventsCsv, loadAnalysis, motCsv, tracksCsv } from "@/lib/editor/analysis-exports";
import { scenesCsv, scenesEdl } from "@/lib/editor/exports";
import { loudnessAndShots } from "@/lib/editor/media-analysis";
import { transcribeFile, writeTranscriptFiles } from "@/lib/editor/transcribe-source";
import { writeZip } from "@/lib/editor/zip";
import { getJobOrThrow, ownerCaller } from "@/lib/jobs";
import { jobOutput } from "@/lib/jobs/job-output";
import { cancellable, jobFileUrl } from "@/lib/jobs/job-files";
import { execFfmpeg, ffmpegInput } from "@/lib/media/ffmpeg";
import { summarizeVideo } from "@/lib/videos/summarize-video";
import { eq } from "drizzle-orm";
import { jobFunction, nonRetriable } from "./_job-function";

const containers = { mp4: ["-movflags", "+faststart", "-f", "mp4"], mkv: ["-f", "matroska"], mov: ["-f", "mov"] } as const;

/**
 * export: `formats` (default `[format ?? "mp4"]`) among the transcript (srt, vtt, txt, json),
 * the shot list (scenes_csv, edl), an analysis job's detections and tracks (coco, mot,
 * detections_csv, tracks_csv) and events (events_csv, less those reviewed as false_positive
 * unless `include_rejected`), and remuxes without re-encoding (mp4, mkv, mov); each as a file
 * and all together in `export.zip`.
 */
export default jobFunction("export", "export", async ({ jobId, payload, source, step, progress }) => {
  return step.run("export", async () => {
    const formats = [...new Set(payload.formats ?? [payload.format ?? "mp4"])];
    const summary = await summarizeVideo(source).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    const base = source.name.replace(/\.[^.]+$/, "").replace(/[^\w.-]+/g, "_") || "video";
    const database = await db();
    let analysis: Awaited<ReturnType<typeof loadAnalysis>> | null = null;
    if (payload.analysis_job_id) {
      const [self] = await database.select({ ownerId: jobs.ownerId }).from(jobs).where(eq(jobs.id, jobId));
      const caller = await ownerCaller(database, self?.ownerId ?? null);
      const analysisJob = await getJobOrThrow(database, caller, payload.analysis_job_id).catch((error: unknown) => {
        throw nonRetriable(error);
      });
      if (analysisJob.kind !== "analyze") throw new NonRetriableError(`Job ${analysisJob.id} is not an analysis job`);
      if (analysisJob.status !== "completed") throw new NonRetriableError(`Analysis job ${analysisJob.id} has not completed (${analysisJob.status})`);
      analysis = await loadAnalysis(database, analysisJob.id, { includeRejected: payload.include_rejected, raw: payload.raw_detections });
    }
    return cancellable(jobId, async (signal) => {
      const files: Record<string, string> = {};
      const written: { name: string; file: string }[] = [];
      const put = async (format: string, name: string, text?: string) => {
        const output = jobOutput(jobId, name);
        if (text !== undefined) await writeFile(output.file, text);
        files[format] = jobFileUrl(jobId, name);
        written.push({ name, file: output.file });
      };
      let done = 0;
      const step = async (message: string) => progress(++done, formats.length + 1, "export", message);
      const wantTranscript = formats.filter((f) => ["srt", "vtt", "txt", "json"].includes(f));
      if (wantTranscript.length) {
        if (!summary.audio) throw new NonRetriableError("The video has no audio: there is no transcript to export");
        const transcript = await transcribeFile(jobId, source.file, { language: payload.language, signal }).catch((error: unknown) => {
          throw nonRetriable(error);
        });
        const names = await writeTranscriptFiles(jobId, transcript, `${base}.transcript`);
        for (const format of wantTranscript) {
          files[format] = jobFileUrl(jobId, names[format]);
          written.push({ name: names[format], file: jobOutput(jobId, names[format]).file });
          await step(`Transcript as ${format}`);
        }
      }
      if (formats.includes("scenes_csv") || formats.includes("edl")) {
        const { shots } = await loudnessAndShots(source.file, summary.duration_seconds ?? 0, { hasAudio: false, hasVideo: Boolean(summary.video), signal });
        if (formats.includes("scenes_csv")) await put("scenes_csv", `${base}.scenes.csv`, scenesCsv(shots)).then(() => step(`Scenes: ${shots.length} shots`));
        if (formats.includes("edl")) {
          await put("edl", `${base}.edl`, scenesEdl(shots, { title: base, fps: summary.video?.fps ?? 25, clipName: source.name }));
          await step("Scenes as an EDL");
        }
      }
      if (analysis) {
        const video = { name: source.name, width: summary.video?.width ?? 0, height: summary.video?.height ?? 0 };
        const writers: Record<string, [string, () => string]> = {
          coco: [`${base}.coco.json`, () => JSON.stringify(cocoJson(analysis!, video))],
          mot: [`${base}.mot.txt`, () => motCsv(analysis!)],
          detections_csv: [`${base}.detections.csv`, () => detectionsCsv(analysis!)],
          tracks_csv: [`${base}.tracks.csv`, () => tracksCsv(analysis!)],
          events_csv: [`${base}.events.csv`, () => eventsCsv(analysis!)],
        };
        for (const format of formats) {
          if (!writers[format]) continue;
          const [name, make] = writers[format];
          await put(format, name, make());
          await step(`Analysis as ${format}`);
        }
      }
      for (const format of formats) {
        if (!(format in containers)) continue;
        const container = format as keyof typeof containers;
        const name = `${base}.${container}`;
        await execFfmpeg(["-y", "-i", ffmpegInput(source.file), "-map", "0:v?", "-map", "0:a?", "-c", "copy", ...containers[container], `file:${jobOutput(jobId, name).file}`], { signal });
        await put(format, name);
        await step(`Remuxed as ${format}`);
      }
      await writeZip(jobOutput(jobId, "export.zip").file, written);
      files.zip = jobFileUrl(jobId, "export.zip");
      await progress(formats.length + 1, formats.length + 1, "export", `Zipped ${written.length} file(s)`);
      return { files, export: { formats, entries: written.map((w) => w.name) } };
    });
  });
});
