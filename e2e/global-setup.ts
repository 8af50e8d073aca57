import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * Videos the e2e server offers from VIDEO_INPUT_DIR, made from ../shared/media/vtest.avi when
 * it is there (H.264 copies, whole and a 12 s cut), and a synthetic test pattern always, so that
 * the flows run without it. Also a text file and a link that points outside, which the server
 * must refuse.
 */
export const e2eVideoDir = path.resolve(".cache/e2e-videos");
export const sharedVtest = path.resolve("../shared/media/vtest.avi");

function ffmpeg(...args: string[]) {
  execFileSync("ffmpeg", ["-v", "error", "-y", ...args], { stdio: "inherit" });
}

export default function globalSetup() {
  fs.mkdirSync(e2eVideoDir, { recursive: true });
  const make = (name: string, args: string[]) => {
    const target = path.join(e2eVideoDir, name);
    if (!fs.existsSync(target)) ffmpeg(...args, target);
  };
  make("pattern.mp4", ["-f", "lavfi", "-i", "testsrc=duration=4:size=640x360:rate=10", "-c:v", "libx264", "-pix_fmt", "yuv420p"]);
  if (!fs.existsSync(sharedVtest) && process.env.CI === "true") {
    throw new Error(`${sharedVtest} is missing, and CI=true requires the shared media`);
  }
  if (fs.existsSync(sharedVtest)) {
    make("vtest.mp4", ["-i", sharedVtest, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-movflags", "+faststart"]);
    make("vtest-12s.mp4", ["-i", sharedVtest, "-t", "12", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"]);
  }
  fs.writeFileSync(path.join(e2eVideoDir, "notes.txt"), "not a video\n");
  const link = path.join(e2eVideoDir, "escape.mp4");
  if (!fs.existsSync(link)) fs.symlinkSync("/etc/hostname", link);
}
