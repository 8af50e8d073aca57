/**
 * The upscale worker process: `node --import tsx workers/upscale/main.ts '<json options>'`,
 * spawned per job by ./launch.ts (for the inference worker's POST /v1/upscale) so that inference never blocks the web process.
 * stdout carries one JSON line per event: {"event":"progress","done":n,"total":t}, then
 * {"event":"done",...} or {"event":"error","message":...}. It exits when its parent does.
 */
import { upscaleVideo, type UpscaleOptions } from "./upscale";

process.stdin.on("close", () => process.exit(1));
process.stdin.resume();

const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
const options = JSON.parse(process.argv[2] ?? "{}") as UpscaleOptions;
let last = 0;
upscaleVideo({
  ...options,
  onProgress: (done, total) => {
    const now = Date.now();
    if (now - last < 250 && done < total) return;
    last = now;
    say({ event: "progress", done, total });
  },
})
  .then((result) => {
    say({ event: "done", ...result });
    process.exit(0);
  })
  .catch((error: unknown) => {
    say({ event: "error", message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  });
