/**
 * Media benchmarks (not a test): `npx tsx scripts/bench-media.ts [--upload-gb 2] [--skip-decode] [--skip-upload] [--smoke]`
 * `--smoke` (for npm test): 4 s of vtest, a 2 s generated clip, one run each, a 20 MB upload.
 *
 * 1. Frame sampling: lib/media/frames.ts decodeFrames() against the plain ffmpeg CLI decoding
 *    the same frames with the same filters to /dev/null. The ratio is our overhead over ffmpeg
 *    itself (target <= 1.1).
 * 2. Uploads: a child process serves parseMultipart() over real HTTP; this process streams a
 *    multipart body of --upload-gb GB into it. Reports throughput and the server's peak RSS
 *    growth while it parses (target <= 100 MB: the upload must stream to disk, not to memory).
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { decodeFrames } from "@/lib/media/frames";
import { parseMultipart } from "@/lib/http/multipart";
import { ffmpegCli, makeTempDir, removeDir, startWebServer, VTEST_AVI } from "@/lib/media/test-media";
import { removeQuietly } from "@/lib/storage/write-file";

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string, fallback: string) => {
  const index = argv.indexOf(name);
  return index >= 0 && argv[index + 1] ? argv[index + 1] : fallback;
};

const MB = 1024 * 1024;
const smoke = flag("--smoke");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function runCommand(command: string, args: string[], drainStdout = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", drainStdout ? "pipe" : "ignore", "pipe"] });
    // Read and drop: the cost of moving the bytes into Node, without doing anything with them.
    child.stdout?.resume();
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr.slice(-500)}`))));
  });
}

interface DecodeCase {
  name: string;
  path: string;
  duration: number;
  fps: number;
}

async function timeDecodeFrames(item: DecodeCase): Promise<{ ms: number; frames: number }> {
  const started = performance.now();
  let frames = 0;
  for await (const frame of decodeFrames({ path: item.path, start: 0, end: item.duration, fps: item.fps })) {
    if (frame.data.length !== frame.width * frame.height * 3) throw new Error("short frame");
    frames++;
  }
  return { ms: performance.now() - started, frames };
}

async function timeFfmpegCli(item: DecodeCase, frames: number, toNode = false): Promise<number> {
  const started = performance.now();
  // The same arguments frames.ts gives ffmpeg, writing to /dev/null (or a pipe Node drains).
  await runCommand("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-nostdin",
    "-ss", "0", "-i", item.path, "-t", String(item.duration),
    "-an", "-vf", `fps=${item.fps}`, "-frames:v", String(frames),
    "-f", "rawvideo", "-pix_fmt", "rgb24", "-y", toNode ? "pipe:1" : "/dev/null",
  ], toNode);
  return performance.now() - started;
}

async function benchDecode(workDir: string): Promise<void> {
  console.log("\n== Frame sampling: lib/media/frames.ts decodeFrames vs ffmpeg CLI to /dev/null ==");
  const cases: DecodeCase[] = [];
  if (existsSync(VTEST_AVI)) {
    const seconds = smoke ? 4 : 79.5;
    cases.push({ name: `vtest.avi 768x576 MS-MPEG4, ${seconds} s @ 2 fps`, path: VTEST_AVI, duration: seconds, fps: 2 });
    cases.push({ name: `vtest.avi 768x576 MS-MPEG4, ${seconds} s @ 10 fps (every frame)`, path: VTEST_AVI, duration: seconds, fps: 10 });
  } else {
    console.log(`(vtest.avi not found at ${VTEST_AVI}: only the generated clip is measured)`);
  }
  const hd = path.join(workDir, "hd-1080p30.mp4");
  const hdSeconds = smoke ? 2 : 20;
  process.stdout.write(`making a ${hdSeconds} s 1080p30 H.264 clip ... `);
  await ffmpegCli([
    "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", "-t", String(hdSeconds),
    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", hd,
  ]);
  console.log("done");
  cases.push({ name: `generated 1920x1080 H.264, ${hdSeconds} s @ 2 fps`, path: hd, duration: hdSeconds, fps: 2 });

  const rows: string[][] = [["case", "frames", "frames.ts ms", "CLI>/dev/null ms", "ratio", "CLI>pipe>Node ms", "ratio vs pipe"]];
  const repeats = Number(option("--repeats", smoke ? "1" : "5"));
  for (const item of cases) {
    const oursRuns: number[] = [];
    const cliRuns: number[] = [];
    const pipeRuns: number[] = [];
    let frames = 0;
    // Interleave the three so load from elsewhere on the box hits all alike; report medians.
    for (let run = 0; run < repeats; run++) {
      const ours = await timeDecodeFrames(item);
      frames = ours.frames;
      oursRuns.push(ours.ms);
      cliRuns.push(await timeFfmpegCli(item, frames));
      pipeRuns.push(await timeFfmpegCli(item, frames, true));
    }
    const ours = median(oursRuns);
    const cli = median(cliRuns);
    const piped = median(pipeRuns);
    rows.push([item.name, String(frames), ours.toFixed(0), cli.toFixed(0), (ours / cli).toFixed(3), piped.toFixed(0), (ours / piped).toFixed(3)]);
  }
  printTable(rows);
  console.log("frames.ts ms includes its ffprobe of the input; the pipe column is ffmpeg writing rgb24 into a Node pipe that drops it.");
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join("  "));
}

/* ---------- upload: child server ---------- */

async function uploadServer(dataDir: string): Promise<void> {
  const server = await startWebServer(async (request) => {
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    const started = performance.now();
    try {
      const { files, fields } = await parseMultipart(request, { dataDir, maxFileBytes: 8 * 1024 * MB });
      const ms = performance.now() - started;
      peak = Math.max(peak, process.memoryUsage().rss);
      const onDisk = await readdir(path.join(dataDir, "tmp"));
      await Promise.all(files.map((file) => removeQuietly(file.path)));
      return Response.json({ fields, files: files.map(({ size, sha256 }) => ({ size, sha256 })), onDisk: onDisk.length, ms, baseline, peak });
    } finally {
      clearInterval(sampler);
    }
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
}

/* ---------- upload: client ---------- */

function postMultipart(url: string, size: number): Promise<{ response: Record<string, unknown>; ms: number; sha256: string }> {
  const boundary = `----framewise-bench-${randomBytes(8).toString("hex")}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="tripId"\r\n\r\nBENCH\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="cvvrFile"; filename="bench.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const block = randomBytes(MB);
  const hash = createHash("sha256");

  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(
      `${url}/upload`,
      {
        method: "POST",
        headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(head.length + size + tail.length) },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => {
          try {
            resolve({ response: JSON.parse(text), ms: performance.now() - started, sha256: hash.digest("hex") });
          } catch (error) {
            reject(new Error(`Bad response ${response.statusCode}: ${text.slice(0, 300)} (${(error as Error).message})`));
          }
        });
      },
    );
    request.on("error", reject);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const piece = sent + block.length <= size ? block : block.subarray(0, size - sent);
        hash.update(piece);
        sent += piece.length;
        if (!request.write(piece)) {
          request.once("drain", pump);
          return;
        }
      }
      request.end(tail);
    };
    request.write(head);
    pump();
  });
}

async function benchUpload(workDir: string, gigabytes: number): Promise<void> {
  console.log(`\n== Upload: ${gigabytes} GB multipart over HTTP through parseMultipart ==`);
  const dataDir = path.join(workDir, "data");
  const child = spawn(process.execPath, ["--import", "tsx", import.meta.filename, "--upload-server", dataDir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buffered = "";
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (chunk: string) => {
        buffered += chunk;
        const line = buffered.split("\n").find((candidate) => candidate.startsWith("{"));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      child.once("exit", (code) => reject(new Error(`upload server exited with ${code}`)));
    });

    // Warm up (module loading, first buffers) so the baseline is the steady state.
    await postMultipart(url, 16 * MB);
    const size = Math.round(gigabytes * 1024 * MB);
    const { response, ms, sha256 } = await postMultipart(url, size);
    const file = (response.files as { size: number; sha256: string }[])[0];
    const growth = ((response.peak as number) - (response.baseline as number)) / MB;
    console.log(`bytes uploaded:        ${size} (${(size / MB).toFixed(0)} MiB)`);
    console.log(`stored size / sha256:  ${file.size === size ? "matches" : `MISMATCH ${file.size}`} / ${file.sha256 === sha256 ? "matches" : "MISMATCH"}`);
    console.log(`client wall time:      ${(ms / 1000).toFixed(1)} s -> ${(size / MB / (ms / 1000)).toFixed(0)} MiB/s`);
    console.log(`server parse time:     ${((response.ms as number) / 1000).toFixed(1)} s`);
    console.log(`server RSS baseline:   ${((response.baseline as number) / MB).toFixed(0)} MiB, peak ${((response.peak as number) / MB).toFixed(0)} MiB`);
    console.log(`peak RSS growth:       ${growth.toFixed(1)} MiB (target <= 100)`);
    if (file.size !== size || file.sha256 !== sha256) throw new Error("the stored upload differs from what was sent");
  } finally {
    child.kill("SIGTERM");
  }
}

async function main(): Promise<void> {
  if (flag("--upload-server")) {
    await uploadServer(option("--upload-server", ""));
    return;
  }
  const workDir = await makeTempDir("framewise-bench-");
  try {
    console.log(`Framewise media bench, node ${process.version}, ${(await import("node:os")).cpus().length} CPUs`);
    if (!flag("--skip-decode")) await benchDecode(workDir);
    if (!flag("--skip-upload")) await benchUpload(workDir, Number(option("--upload-gb", smoke ? "0.02" : "2")));
  } finally {
    await removeDir(workDir);
  }
}

await main();
