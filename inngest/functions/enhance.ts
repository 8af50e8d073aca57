import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db/client";
import { detectShake, enhanceVideo, outputFormatFor, type EnhancePlan } from "@/lib/media/enhance";
import { upscaleOnWorker } from "@/lib/inference/worker-client";
import type { UpscaleRequestInput } from "@/lib/inference/worker-protocol";
import { MAX_UPSCALE_INPUT_PIXELS, MAX_UPSCALE_INPUT_SIZE } from "@/lib/inference/upscale-limit";
import { measureVideo, type VideoFigures } from "@/lib/media/measure";
import { probeVideo } from "@/lib/media/probe";
import { enhancedFileName } from "@/lib/processing/find-process-job";
import { measureForEnhance } from "@/lib/processing/measure-for-enhance";
import { percentReporter } from "@/lib/processing/report-percent";
import { jobMediaDir } from "@/lib/storage/layout";
import { AppError } from "@/lib/errors";
import { jobFunction, nonRetriable } from "./_job-function";

/**
 * enhance (contracts/enhance-metadata.md "Video enhancement"): measure the video, choose the
 * filters (the auto preset) or take the preset's, stabilise's first pass when chosen, encode
 * `enhanced_{file_id}.{ext}` in the input's container, then measure the result at the same
 * times and size. Progress: measure 0-8, stabilise pass 8-40, encode to 94, measure after to 99.
 */
export default jobFunction("enhance", "enhance", async ({ jobId, payload, source, step }) => {
  const fileId = source.videoId ?? jobId;
  const extension = path.extname(source.file).toLowerCase() || ".mp4";
  const fileName = enhancedFileName(fileId, extension);
  const mediaDir = jobMediaDir(jobId);
  const output = path.join(mediaDir, fileName);
  const transforms = path.join(mediaDir, "stabilise.trf");

  const measured = await step.run("measure", async () => measureForEnhance(await db(), jobId, source.file, payload));
  const plan = measured.plan as EnhancePlan;
  const encodeFrom = plan.stabilise ? 40 : 8;

  if (plan.stabilise) {
    await step.run("stabilise-detect", async () => {
      await mkdir(mediaDir, { recursive: true });
      const reporter = percentReporter(await db(), jobId, "stabilise", 8, 40);
      await detectShake(source.file, transforms, await probeVideo(source.file), { onProgress: reporter.report });
      reporter.report(100);
      await reporter.flush();
      return { transforms: "stabilise.trf" };
    });
  }

  const encoded = payload.preset === "upscale" ? await step.run("upscale", async () => {
    const reporter = percentReporter(await db(), jobId, "upscale", 8, 94);
    const probe = await probeVideo(source.file);
    const started = Date.now();
    // Input problems fail the job at once; a retry would meet them again.
    if (probe.displayWidth * probe.displayHeight > MAX_UPSCALE_INPUT_PIXELS) {
      throw nonRetriable(new AppError("bad_request", `Upscale takes videos up to ${MAX_UPSCALE_INPUT_SIZE} (by area); this one is ${probe.displayWidth}x${probe.displayHeight}`));
    }
    // On the inference worker (WORKER_URLS, or the local one), frame by frame with progress:
    // POST /v1/upscale (lib/inference/worker-protocol.ts). A missing model or a refused input
    // is the worker's 400, and fails the job at once.
    // The worker writes into the job's folder; it makes no folders itself.
    await mkdir(mediaDir, { recursive: true });
    const result = await upscaleOnWorker(
      {
        path: source.file,
        output,
        format: (outputFormatFor(output) ?? "mp4") as UpscaleRequestInput["format"],
        scale: payload.scale,
        has_audio: probe.audio.length > 0,
      },
      (frame, total) => reporter.report((frame / Math.max(1, total)) * 100),
    ).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    await reporter.flush();
    return { filters: `esrgan-slim-x${payload.scale} (${result.width}x${result.height}, ${result.ms_per_frame} ms a frame on ${result.provider})`, encode_seconds: Math.round((Date.now() - started) / 100) / 10 };
  }) : await step.run("encode", async () => {
    await mkdir(mediaDir, { recursive: true });
    const reporter = percentReporter(await db(), jobId, "encode", encodeFrom, 94);
    const started = Date.now();
    const result = await enhanceVideo({
      input: source.file,
      output,
      plan,
      probe: await probeVideo(source.file),
      transforms: plan.stabilise ? transforms : undefined,
      onProgress: reporter.report,
    });
    await reporter.flush();
    if (plan.stabilise) await rm(transforms, { force: true });
    return { filters: result.filters, encode_seconds: Math.round((Date.now() - started) / 100) / 10 };
  });

  const after = await step.run("measure-after", async () => {
    const reporter = percentReporter(await db(), jobId, "measure-after", 94, 99);
    const before = measured.before as VideoFigures;
    const figures = await measureVideo(output, await probeVideo(source.file), { size: { width: before.width, height: before.height }, onProgress: reporter.report });
    reporter.report(100);
    await reporter.flush();
    return figures;
  });

  return {
    file_id: fileId,
    file_name: fileName,
    preset: payload.preset,
    plan,
    filters: encoded.filters,
    encode_seconds: encoded.encode_seconds,
    measured: { shake: measured.shake, interlaced_ratio: measured.interlaced_ratio },
    before: measured.before,
    after,
  };
});
