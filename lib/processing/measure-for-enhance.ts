import type { Db } from "@/lib/db/client";
import { chooseEnhancements, presetPlan, type EnhancePlan, type EnhancePreset } from "@/lib/media/enhance";
import { measureInterlacing, measureShake, measureVideo } from "@/lib/media/measure";
import { probeVideo } from "@/lib/media/probe";
import { percentReporter } from "./report-percent";

/**
 * The measure step of enhance (0-8 of the job's progress): the video's figures, its shake and
 * interlacing, and the plan: chosen from them for the auto preset, the preset's own otherwise.
 */
export async function measureForEnhance(db: Db, jobId: string, file: string, options: { preset: EnhancePreset; scale: number }) {
  const reporter = percentReporter(db, jobId, "measure", 0, 8);
  reporter.report(0);
  const probe = await probeVideo(file);
  const before = await measureVideo(file, probe, { onProgress: (percent) => reporter.report(percent * 0.5) });
  const [shake, interlacing] = await Promise.all([measureShake(file, probe), measureInterlacing(file)]);
  const measurements = { figures: before, shake: shake.shake, interlacedRatio: interlacing.ratio, probedInterlaced: probe.interlaced };
  const plan: EnhancePlan =
    options.preset === "auto"
      ? chooseEnhancements(measurements)
      : options.preset === "upscale"
        ? { deinterlace: false, stabilise: false, denoise: null, levels: null, sharpen: 0, reasons: [`preset upscale: ESRGAN-slim ${options.scale}x, frame by frame`] }
        : presetPlan(options.preset, measurements);
  reporter.report(100);
  await reporter.flush();
  return { before, shake: shake.shake, interlaced_ratio: interlacing.ratio, plan };
}
