import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { makeSpeech, type Placement } from "../lib/speech/test-speech";
import { e2eVideoDir, sharedVtest } from "./global-setup";

/**
 * The real-sized input every contract is tried with (e2e/api/real-size.spec.ts): all 79.5 s of
 * vtest.avi's street at 768x576, 10 fps, given temporal grain so H.264 needs 8 Mbit/s, which
 * makes it 80 MB; under it an AAC track with three flite sentences from 20 s on, silence else.
 * It lies in VIDEO_INPUT_DIR (so `video_name` reaches it) and is made once per checkout; the
 * sentences' placements are kept beside it.
 */
export const MB = 1024 * 1024;
export const realSizeName = "vtest-real-size.mp4";
export const realSizeMinBytes = 75 * MB;
const sidecar = path.resolve(".cache/e2e-real-size/speech.json");

export type RealSizeVideo = { file: string; name: string; bytes: number; placements: Placement[] };

export async function realSizeVideo(): Promise<RealSizeVideo> {
  const file = path.join(e2eVideoDir, realSizeName);
  if (!(fs.existsSync(file) && fs.existsSync(sidecar) && fs.statSync(file).size >= realSizeMinBytes)) {
    const work = path.dirname(sidecar);
    fs.mkdirSync(work, { recursive: true });
    fs.mkdirSync(e2eVideoDir, { recursive: true });
    const speech = await makeSpeech(work, { lead: 20, gap: 3 });
    const partial = path.join(work, "partial.mp4");
    execFileSync("ffmpeg", [
      "-v", "error", "-y", "-i", sharedVtest, "-i", speech.wav,
      "-filter_complex", "[0:v]noise=alls=14:allf=t[v];[1:a]apad=whole_dur=79.5[a]", "-map", "[v]", "-map", "[a]",
      "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "8M", "-maxrate", "8M", "-bufsize", "16M", "-pix_fmt", "yuv420p",
      "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", partial,
    ]);
    fs.renameSync(partial, file);
    fs.writeFileSync(sidecar, JSON.stringify(speech.placements));
  }
  return { file, name: realSizeName, bytes: fs.statSync(file).size, placements: JSON.parse(fs.readFileSync(sidecar, "utf8")) };
}
