/**
 * Enhancement and metadata benchmarks (not a test): `npm run bench:enhance [-- --seconds 10 --rounds 5] [-- --smoke]`
 * Each figure is the median ratio of `--rounds` paired runs (ours and the reference back to
 * back, in alternating order), printed with the spread and the load average.
 *
 * 1. Enhancement: lib/media/enhance.ts enhanceVideo() with the auto preset's plan for a grainy
 *    clip, against the bare ffmpeg CLI running the same filter graph and encoder options
 *    (target <= 1.1x). The measuring that chooses the plan is timed on its own line.
 * 2. Metadata: the histogram pass of lib/media/metadata.ts over every frame, against a plain
 *    decode of the same frames at the same size to rgb24 drained to nothing, and against
 *    `ffmpeg -f null` (target >= 0.8x of the plain decode).
 * 3. Upscale: the ESRGAN-slim 2x preset (workers/upscale) on --upscale-frames frames of 640x360,
 *    frames/s end to end (decode, inference, encode) and the model's own ms a frame. Needs the
 *    model in MODELS_DIR (`npm run models`).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chooseEnhancements, encodeOptions, enhanceFilters, enhanceVideo } from "@/lib/media/enhance";
import { measureInterlacing, measureShake, measureVideo } from "@/lib/media/measure";
import { sampleColorProfile } from "@/lib/media/metadata";
import { probeVideo } from "@/lib/media/probe";
import { ffmpegCli, makeTempDir, removeDir, VTEST_AVI } from "@/lib/media/test-media";
import { loadWorkerEnv } from "@/workers/inference/env";
import { modelFiles } from "@/workers/inference/models/registry";
import { upscaleVideo } from "@/workers/upscale/upscale";

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = argv.indexOf(name);
  return index >= 0 && argv[index + 1] ? argv[index + 1] : fallback;
};
// --smoke (for npm test): 2 s, one round, 1 frame upscaled; the upscale model must be there.
const smoke = argv.includes("--smoke");
const seconds = Number(option("--seconds", smoke ? "2" : "10"));
const upscaleFrames = Number(option("--upscale-frames", smoke ? "1" : "10"));
const rounds = Math.max(1, Number(option("--rounds", smoke ? "1" : "5")));

/**
 * On a shared, loaded box one run of each side says little: each round runs ours and the
 * reference back to back (in alternating order), and the figure is the median of the rounds'
 * ratios, printed with the spread and the load average.
 */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values: number[]) => `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}`;

/** Seconds of `ours` and of `reference`, run back to back, the reference first in odd rounds. */
async function pair(round: number, ours: () => Promise<unknown>, reference: () => Promise<unknown>): Promise<[number, number]> {
  if (round % 2 === 0) {
    const a = (await timed(ours))[1];
    return [a, (await timed(reference))[1]];
  }
  const b = (await timed(reference))[1];
  return [(await timed(ours))[1], b];
}

function run(command: string, args: string[], drain = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", drain ? "pipe" : "ignore", "ignore"] });
    child.stdout?.resume();
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))));
  });
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, (performance.now() - started) / 1000];
}

async function main() {
  const dir = await makeTempDir("framewise-bench-enhance-");
  try {
    const input = path.join(dir, "grainy.mp4");
    const base = existsSync(VTEST_AVI) ? ["-t", String(seconds), "-i", VTEST_AVI] : ["-f", "lavfi", "-i", `testsrc=duration=${seconds}:size=768x576:rate=25`];
    await ffmpegCli([...base, "-vf", "scale=640:-2,noise=alls=25:allf=t", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", input]);
    const probe = await probeVideo(input);
    console.log(`input: ${probe.displayWidth}x${probe.displayHeight}, ${probe.frameCount} frames, ${probe.duration.toFixed(1)} s`);

    const [measurements, measureSeconds] = await timed(async () => {
      const figures = await measureVideo(input, probe);
      const [shake, interlacing] = await Promise.all([measureShake(input, probe), measureInterlacing(input)]);
      return { figures, shake: shake.shake, interlacedRatio: interlacing.ratio, probedInterlaced: probe.interlaced };
    });
    const plan = chooseEnhancements(measurements);
    console.log(`measure (8 frames + shake + idet): ${measureSeconds.toFixed(2)} s; plan: ${plan.reasons.join("; ")}`);

    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const output = path.join(dir, `ours-${round}.mp4`);
      const reference = path.join(dir, `bare-${round}.mp4`);
      const [a, b] = await pair(
        round,
        () => enhanceVideo({ input, output, plan, probe }),
        () => run("ffmpeg", ["-v", "error", "-y", "-i", input, ...encodeOptions(probe, reference, enhanceFilters(plan)), reference]),
      );
      ratios.push(a / b);
    }
    console.log(`enhance vs bare ffmpeg, same graph: median ratio ${median(ratios).toFixed(2)}x over ${rounds} rounds (${spread(ratios)}; target <= 1.1); load ${os.loadavg()[0].toFixed(1)}`);
    const after = await measureVideo(path.join(dir, "ours-0.mp4"), probe, { size: { width: measurements.figures.width, height: measurements.figures.height } });
    console.log(`  noise ${measurements.figures.noise} -> ${after.noise}, sharpness ${measurements.figures.sharpness} -> ${after.sharpness}`);

    const metaRatios: number[] = [];
    let profile = await sampleColorProfile(input, probe);
    const size = `${profile.width}:${profile.height}`;
    for (let round = 0; round < rounds; round++) {
      const [a, b] = await pair(
        round,
        async () => (profile = await sampleColorProfile(input, probe)),
        () => run("ffmpeg", ["-v", "error", "-i", input, "-map", "0:v:0", "-vf", `scale=${size}:flags=area`, "-fps_mode", "passthrough", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"], true),
      );
      metaRatios.push(b / a);
    }
    const [, nullSeconds] = await timed(() => run("ffmpeg", ["-v", "error", "-i", input, "-map", "0:v:0", "-f", "null", "-"]));
    console.log(
      `metadata histograms (${profile.frames} frames at ${profile.width}x${profile.height}) vs plain decode to rgb24 at that size: median ratio ${median(metaRatios).toFixed(2)}x over ${rounds} rounds (${spread(metaRatios)}; target >= 0.8); ffmpeg -f null: ${(profile.frames / nullSeconds).toFixed(0)} frames/s; load ${os.loadavg()[0].toFixed(1)}`,
    );
    const { modelsDir } = loadWorkerEnv();
    if (!existsSync(path.join(modelsDir, modelFiles["esrgan-slim-x2"]))) {
      if (smoke) throw new Error(`${modelFiles["esrgan-slim-x2"]} is not in ${modelsDir}: run npm run models`);
      console.log(`upscale: ${modelFiles["esrgan-slim-x2"]} is not in ${modelsDir}: run npm run models`);
    } else {
      const small = path.join(dir, "360p.mp4");
      await ffmpegCli([...base, "-vf", "scale=640:360", "-frames:v", String(upscaleFrames), "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", small]);
      const smallProbe = await probeVideo(small);
      const [up, upSeconds] = await timed(() =>
        upscaleVideo({ input: small, output: path.join(dir, "up.mp4"), format: "mp4", scale: 2, width: 640, height: 360, fps: smallProbe.fps, frameCount: smallProbe.frameCount, hasAudio: false, modelsDir }),
      );
      console.log(`upscale ESRGAN-slim 2x, 640x360 -> 1280x720: ${up.frames} frames, ${(up.frames / upSeconds).toFixed(2)} frames/s end to end, model ${up.ms_per_frame} ms a frame (${up.provider})`);
    }
  } finally {
    await removeDir(dir);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
