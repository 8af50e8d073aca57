import { jobOutput } from "@/lib/jobs/job-output";
import { cancellable, jobFileUrl } from "@/lib/jobs/job-files";
import { loudnessAndShots, makePoster, makeProxy, makeSprite, spriteLayout, spriteVtt, waveformPeaks, writeJson } from "@/lib/editor/media-analysis";
import { writeFile } from "node:fs/promises";
import { describeVideo, summarizeVideo } from "@/lib/videos/summarize-video";
import { jobFunction, nonRetriable } from "./_job-function";

/**
 * ingest: probe; then a web proxy (H.264, a keyframe a second, +faststart), a poster, a
 * thumbnail sprite with its WebVTT index, waveform peaks (audiowaveform JSON), EBU R128
 * loudness and the shot list (scdet). Progress after each product, and through the proxy
 * encode from ffmpeg's media time.
 */
export default jobFunction("ingest", "ingest", async ({ jobId, source, step, progress }) => {
  const summary = await step.run("probe", async () => {
    await progress(0, 1, "probe");
    const result = await summarizeVideo(source).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    await progress(10, 100, "probe", `Probed: ${describeVideo(result)}`);
    return result;
  });
  const products = await step.run("derive", async () =>
    cancellable(jobId, async (signal) => {
      const duration = summary.duration_seconds ?? 0;
      const files: Record<string, string> = {};
      const add = (kind: string, name: string) => (files[kind] = jobFileUrl(jobId, name));
      const video = summary.video;
      let shots: unknown[] = [];
      let loudness: unknown = null;
      let waveform: { length: number; samples_per_pixel: number; sample_rate: number } | null = null;
      let sprite: unknown = null;
      if (video) {
        let last = 0;
        await makeProxy(source.file, jobOutput(jobId, "proxy.mp4").file, {
          hasAudio: Boolean(summary.audio),
          signal,
          onTime: (seconds) => {
            if (duration > 0 && seconds - last >= 1) {
              last = seconds;
              void progress(10 + Math.round(Math.min(1, seconds / duration) * 40), 100, "proxy").catch(() => undefined);
            }
          },
        });
        add("proxy", "proxy.mp4");
        await progress(50, 100, "poster", "Made the web proxy (H.264, 1 s keyframes)");
        await makePoster(source.file, jobOutput(jobId, "poster.jpg").file, Math.min(duration * 0.1, Math.max(0, duration - 0.1)), { signal });
        add("poster", "poster.jpg");
        const layout = spriteLayout(duration || 1, video.width, video.height);
        await makeSprite(source.file, jobOutput(jobId, "sprite.jpg").file, layout, { signal });
        await writeFile(jobOutput(jobId, "sprite.vtt").file, spriteVtt(layout, "sprite.jpg", duration || 1));
        add("sprite", "sprite.jpg");
        add("sprite_vtt", "sprite.vtt");
        sprite = { ...layout, rows: Math.ceil(layout.count / layout.columns) };
        await progress(65, 100, "waveform", `Made a ${layout.count}-thumbnail sprite`);
      }
      if (summary.audio) {
        const peaks = await waveformPeaks(source.file, { signal });
        await writeJson(jobOutput(jobId, "waveform.json").file, peaks);
        add("waveform", "waveform.json");
        waveform = { length: peaks.length, samples_per_pixel: peaks.samples_per_pixel, sample_rate: peaks.sample_rate };
        await progress(80, 100, "loudness", `Waveform: ${peaks.length} peaks`);
      }
      const measured = await loudnessAndShots(source.file, duration, { hasAudio: Boolean(summary.audio), hasVideo: Boolean(video), signal });
      loudness = measured.loudness;
      shots = measured.shots;
      await writeJson(jobOutput(jobId, "shots.json").file, shots);
      add("shots", "shots.json");
      await progress(100, 100, "done", `Loudness and ${shots.length} shots`);
      return { files, loudness, shots, sprite, waveform };
    }),
  );
  return { media: summary, ...products };
});
