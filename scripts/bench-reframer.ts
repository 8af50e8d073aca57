/**
 * Reframer benchmark (not a test): npm run bench:reframer [-- --video ../shared/media/vtest.avi --fps 5 --long 600 --rounds 3]
 *
 * Through the real server (server.ts, local engine, spawned worker, PGlite), over HTTP as a
 * contract client does, and prints:
 *  - wall time of POST /process -> completed without a reframe, and the realtime factor
 *    (target >= 2.5x): the median of `--rounds` jobs after one warm-up job (the first job of a
 *    fresh server pays for loading the models into the worker's sessions and the routes; it is
 *    printed too);
 *  - the floor: the bare models on the same frames in-process (detector on every sampled frame,
 *    the person segmenter once per mask the job made), and wall / floor (target <= 1.3);
 *  - with aspect 9:16: the reframe's render time against a plain ffmpeg crop-and-encode of the
 *    same output size and settings (target <= 1.5x);
 *  - the web process's heap growth while the results of a `--long`-second video (the video
 *    looped) are streamed (target <= 100 MB); read from /proc/<pid>/status (VmRSS) since the
 *    heap of another process is not visible from here.
 * Needs `npm run build` first.
 * `--smoke` (for npm test): the plain and reframe parts on the first 3 s of the video, one round
 * (`--parts plain,reframe,long` adds a 6 s "long" video).
 */
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs, promisify } from "node:util";
import { decodeFrames, probeVideoStream } from "@/lib/media/frames";
import { DEFAULT_THRESHOLDS } from "@/lib/inference/worker-protocol";
import { mapOrdered } from "@/workers/inference/pipeline";
import { startWorker } from "@/workers/inference/server";

const { values } = parseArgs({
  options: {
    video: { type: "string", default: path.resolve("../shared/media/vtest.avi") },
    fps: { type: "string", default: "5" },
    long: { type: "string", default: "600" },
    /** Which parts to run: plain (no reframe, and the floor), reframe, long. */
    parts: { type: "string", default: "plain,reframe,long" },
    rounds: { type: "string", default: "3" },
    smoke: { type: "boolean", default: false },
  },
});
const smoke = values.smoke!;
if (smoke) Object.assign(values, { rounds: "1", long: "6", parts: values.parts === "plain,reframe,long" ? "plain,reframe" : values.parts });
const clipDir = smoke ? fs.mkdtempSync(path.join(os.tmpdir(), "framewise-bench-reframer-clip-")) : undefined;
const video = clipDir ? path.join(clipDir, "clip.mp4") : path.resolve(values.video!);
const fps = Number(values.fps);
const parts = new Set(values.parts!.split(","));
// ffmpeg runs asynchronously: a blocked event loop would miss the server closing an idle
// keep-alive socket, and the next upload would be written into the closed one.
const ffmpeg = (args: string[]) => promisify(execFile)("ffmpeg", args, { maxBuffer: 1 << 20 });
if (!fs.existsSync(path.resolve(values.video!))) {
  console.error(`no video at ${values.video}: pass --video`);
  process.exit(2);
}
if (clipDir) await ffmpeg(["-v", "error", "-y", "-i", path.resolve(values.video!), "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-an", video]);
const { duration } = await probeVideoStream(video);
console.log(`reframer bench: ${path.basename(video)} (${duration.toFixed(1)} s) at ${fps} fps; ${os.availableParallelism()} cores, load ${os.loadavg().map((v) => v.toFixed(2)).join(" ")}`);

// 1. The floor: detector on every sampled frame, in-process, no HTTP, no database; and the
// segmenter's cost per run. Measured before and after the job and averaged: the box is shared,
// and its load drifts while the job runs.
async function measureFloor() {
  const worker = await startWorker({ env: { WORKER_PORT: "0", WORKER_ALLOWED_ROOTS: path.dirname(video) } });
  try {
    const thresholds = { ...DEFAULT_THRESHOLDS };
    let t0 = performance.now();
    let frames = 0;
    for await (const result of mapOrdered(decodeFrames({ path: video, start: 0, end: duration, fps }), 4, (frame) => worker.pool.analyze(frame, ["detect"], thresholds))) if (result) frames++;
    const detectMs = performance.now() - t0;
    const one = (await decodeFrames({ path: video, start: 1, end: 1.2, fps: 5 }).next()).value!;
    t0 = performance.now();
    // A fresh copy each run: the pool hands a frame's buffer to its thread (transfer), so a
    // frame can be sent once.
    for (let i = 0; i < 24; i++) await worker.pool.analyze({ ...one, data: Buffer.from(one.data) }, ["mask"], thresholds);
    const maskMs = (performance.now() - t0) / 24;
    console.log(`floor parts: detector ${(detectMs / 1000).toFixed(2)} s on ${frames} frames (${(detectMs / frames).toFixed(1)} ms a frame), segmenter ${maskMs.toFixed(1)} ms a run; load ${os.loadavg()[0].toFixed(2)}`);
    return { detectMs, frames, maskMs };
  } finally {
    await worker.close();
  }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-bench-reframer-"));
// The tsx loader in the server's own process, not the tsx CLI (which would run the server in a
// child, whose memory /proc/<pid> of the CLI does not show).
const server = spawn(process.execPath, ["--import", "tsx", "server.ts", "--prod"], {
  env: { ...process.env, NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1", RATE_LIMIT_PER_HOUR: "100000", MAX_JOB_MINUTES: "60" },
  stdio: ["ignore", "pipe", "inherit"],
});
const base = await new Promise<string>((resolve, reject) => {
  readline.createInterface({ input: server.stdout! }).on("line", (line) => {
    const match = line.match(/listening on (http:\/\/[\d.]+:\d+)/);
    if (match) resolve(match[1]);
  });
  server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
});
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, "utf8"))![1]) / 1024;
try {
  for (let i = 0; ; i++) {
    const diagnostics = await (await fetch(`${base}/health/diagnostics`)).json();
    // States only for a caller who is not an admin (lib/health/checks.ts).
    if (diagnostics.workers?.status === "ok") break;
    if (i > 240) throw new Error("the worker did not start");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const { api_key: key } = await (await fetch(`${base}/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: `bench-${Date.now()}@example.com` }) })).json();
  const headers = { "X-API-Key": key };
  async function run(file: string, fields: Record<string, string>) {
    const form = new FormData();
    form.set("file", await fs.openAsBlob(file), path.basename(file).replace(/\.avi$/, ".avi"));
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    const t0 = performance.now();
    const created = await (await fetch(`${base}/process`, { method: "POST", headers, body: form })).json();
    if (!created.job_id) throw new Error(`could not start: ${created.detail}`);
    // When each phase was first seen (current_step without its counts): where the time goes.
    const phases: [string, number][] = [["upload", 0]];
    for (;;) {
      const job = await (await fetch(`${base}/job/${created.job_id}`, { headers })).json();
      if (job.status === "failed") throw new Error(job.error_message);
      const phase = String(job.current_step).replace(/\s*\(.*$/, "").replace(/\d+/g, "N");
      if (phase !== phases[phases.length - 1][0]) phases.push([phase, performance.now() - t0]);
      if (job.status === "completed") break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const wall = performance.now() - t0;
    console.log(`  phases: ${phases.map(([name, at], k) => `${name} ${(((phases[k + 1]?.[1] ?? wall) - at) / 1000).toFixed(1)} s`).join(", ")}`);
    return { jobId: created.job_id as string, wall };
  }
  if (parts.has("plain")) {
    const cold = await run(video, { fps: String(fps) });
    console.log(`  warm-up job (a fresh server): wall ${(cold.wall / 1000).toFixed(2)} s`);
    const before = await measureFloor();
    const rounds: { jobId: string; wall: number }[] = [];
    for (let k = 0; k < Math.max(1, Number(values.rounds)); k++) rounds.push(await run(video, { fps: String(fps) }));
    const after = await measureFloor();
    const plain = [...rounds].sort((a, b) => a.wall - b.wall)[Math.floor(rounds.length / 2)];
    const detectFloor = (before.detectMs + after.detectMs) / 2;
    const maskMs = (before.maskMs + after.maskMs) / 2;
    const frames = before.frames;
    const results = await (await fetch(`${base}/results/${plain.jobId}`, { headers })).json();
    const masks = Object.values(results.segmentation_masks as Record<string, unknown[]>).flat().length;
    const floor = detectFloor + masks * maskMs;
    const walls = rounds.map((round) => (round.wall / 1000).toFixed(2)).join(", ");
    console.log(`\nwithout a reframe: median wall of ${rounds.length} jobs ${(plain.wall / 1000).toFixed(2)} s (${walls}; upload included), realtime ${(duration / (plain.wall / 1000)).toFixed(2)}x (target >= 2.5)`);
    console.log(`  floor ${(floor / 1000).toFixed(2)} s = detector ${(detectFloor / 1000).toFixed(2)} s on ${frames} frames + ${masks} masks x ${maskMs.toFixed(0)} ms; wall / floor ${(plain.wall / floor).toFixed(3)} (target <= 1.3)`);
    console.log(`  ${Object.keys(results.tracking).length} tracks, ${results.scenes.length} scenes, ${masks} masks; load ${os.loadavg().map((v) => v.toFixed(2)).join(" ")}`);
  }

  if (parts.has("reframe")) {
    const framed = await run(video, { fps: String(fps), aspect: "9:16" });
    const reframe = (await (await fetch(`${base}/results/${framed.jobId}`, { headers })).json()).reframe;
    const plainCrop = async () => {
      const t0 = performance.now();
      await ffmpeg(["-v", "error", "-y", "-i", video, "-vf", `crop=${reframe.width}:${reframe.height},format=yuv420p`, "-map", "0:a:0?", "-c:a", "aac", "-b:a", "128k", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-movflags", "+faststart", path.join(dataDir, "plain-crop.mp4")]);
      return (performance.now() - t0) / 1000;
    };
    const once = await plainCrop();
    console.log(`\nreframe 9:16 (${reframe.width}x${reframe.height}): the job's render ${reframe.render_seconds.toFixed(2)} s against a plain crop-and-encode ${once.toFixed(2)} s: ${(reframe.render_seconds / once).toFixed(2)}x (target <= 1.5); jitter ${reframe.jitter} px/frame²`);
    // The same two encodes back to back, three times each, here (the job's ran while the server
    // answered polls, on a loaded box): the reframe's own crop path, read back from its commands.
    const { renderReframe } = await import("@/lib/reframer/render");
    const commands = fs.readFileSync(path.join(dataDir, "jobs", framed.jobId, "media", "crop-commands.txt"), "utf8");
    const meta = (await (await fetch(`${base}/results/${framed.jobId}`, { headers })).json()).metadata as { fps: number; duration_seconds: number };
    const count = Math.max(1, Math.round(meta.duration_seconds * meta.fps));
    const changes = commands.trim().split("\n").map((line) => line.split(" ")).map(([time, , , offset]) => ({ frame: Math.round(Number(time) * meta.fps), offset: Number(offset.replace(";", "")) }));
    const offsets = Array.from({ length: count }, (_, n) => [...changes].reverse().find((c) => c.frame <= n)?.offset ?? changes[0].offset);
    const size = { width: reframe.width, height: reframe.height, axis: reframe.axis };
    const ours: number[] = [];
    const bare: number[] = [];
    for (let k = 0; k < (smoke ? 1 : 3); k++) {
      const t0 = performance.now();
      await renderReframe({ file: video, output: path.join(dataDir, "again.mp4"), commandsFile: path.join(dataDir, "again.txt"), size, offsets, fps: meta.fps, fit: reframe.fit_ranges });
      ours.push((performance.now() - t0) / 1000);
      bare.push(await plainCrop());
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    console.log(`  back to back, medians of 3: renderReframe ${median(ours).toFixed(2)} s, plain crop ${median(bare).toFixed(2)} s: ${(median(ours) / median(bare)).toFixed(2)}x (target <= 1.5)`);
  }

  if (parts.has("long")) {
    const loops = Math.max(0, Math.ceil(Number(values.long) / duration) - 1);
    const long = path.join(dataDir, "long.mp4");
    await ffmpeg(["-v", "error", "-y", "-stream_loop", String(loops), "-i", video, "-t", values.long!, "-an", "-c:v", "libx264", "-preset", "ultrafast", long]);
    const longJob = await run(long, { fps: String(fps) });
    const before = rssMb();
    let peak = before;
    let bytes = 0;
    const response = await fetch(`${base}/results/${longJob.jobId}`, { headers });
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      peak = Math.max(peak, rssMb());
      await new Promise((resolve) => setImmediate(resolve));
    }
    console.log(`\nresults of a ${values.long} s video: ${(bytes / 1e6).toFixed(1)} MB streamed; web process RSS ${before.toFixed(0)} -> peak ${peak.toFixed(0)} MB, growth ${(peak - before).toFixed(0)} MB (target <= 100); processing took ${(longJob.wall / 1000).toFixed(1)} s`);
  }
} finally {
  server.kill("SIGTERM");
  await new Promise((resolve) => server.once("exit", resolve));
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (clipDir) fs.rmSync(clipDir, { recursive: true, force: true });
}
