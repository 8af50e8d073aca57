import { readFile } from "node:fs/promises";
import { readWav } from "@/lib/inference/wav";
import { vadProbabilities } from "./silero";
import { speechSegments, VAD_RATE } from "./segments";

/**
 * `node --import tsx workers/vad/cli.ts <16 kHz mono wav> <models dir>`: prints
 * `{"event":"progress","fraction":f}` lines while it runs, then one
 * `{"event":"done","duration":s,"segments":[{start,end}]}` line. The web side
 * (lib/speech/vad.ts) spawns it so that onnxruntime stays out of the web process's bundle;
 * killing it stops the run.
 */
async function main() {
  const [wavPath, modelsDir] = process.argv.slice(2);
  if (!wavPath || !modelsDir) throw new Error("usage: cli.ts <wav> <models dir>");
  const pcm = readWav(await readFile(wavPath));
  if (pcm.sampleRate !== VAD_RATE) throw new Error(`the VAD needs ${VAD_RATE} Hz audio, not ${pcm.sampleRate}`);
  const duration = pcm.samples.length / pcm.sampleRate;
  const probabilities = await vadProbabilities(pcm.samples, modelsDir, (fraction) => {
    process.stdout.write(`${JSON.stringify({ event: "progress", fraction })}\n`);
  });
  process.stdout.write(`${JSON.stringify({ event: "done", duration, segments: speechSegments(probabilities, duration) })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
