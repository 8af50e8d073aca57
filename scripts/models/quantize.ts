import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { CALIBRATION_STILLS, CALIBRATION_VIDEO, writeCalibrationInputs } from "@/workers/convert/calibration";
import { MODELS_CACHE_DIR, REPO_ROOT } from "@/workers/convert/sources";

/**
 * The int8 detector's build step, run by scripts/models.ts: a Python venv under .cache/ with
 * the pinned onnxruntime and onnx (quantize-requirements.txt, made once and remade when the pins
 * change), the calibration frames written by the worker's own pre-processing, then
 * quantize.py. Takes 3-4 minutes on the 2-core box, most of it the calibration's histograms.
 */
const run = promisify(execFile);
const VENV = path.join(REPO_ROOT, ".cache/quantize-venv");
const SCRIPT = "scripts/models/quantize.py";
const REQUIREMENTS = "scripts/models/quantize-requirements.txt";
/** What the int8 file depends on besides its float model: a change to any rebuilds it. */
const SOURCES = [SCRIPT, REQUIREMENTS, "workers/convert/calibration.ts", "workers/inference/tasks/detect.ts", "workers/inference/tasks/image.ts"];

/** The manifest's line on how the int8 file was made (the options are quantize.py's defaults). */
export const QUANTIZATION_SUMMARY =
  "static int8 QDQ by onnxruntime 1.30.0 quantize_static: uint8 activations, int8 weights per output channel, " +
  "99.999 percentile ranges, squeeze-excite gates left float, class logits clipped to [-6, 4]; calibrated on " +
  `${CALIBRATION_VIDEO.file} every ${CALIBRATION_VIDEO.every} s from ${CALIBRATION_VIDEO.start} s and ${CALIBRATION_STILLS.join(", ")}`;

export const calibrationFiles = () => [CALIBRATION_VIDEO.file, ...CALIBRATION_STILLS];

/** Why the int8 model cannot be made here (then the worker runs fp32 and says so), or null. */
export function missingCalibration(mediaDir: string): string | null {
  const missing = calibrationFiles().filter((file) => !existsSync(path.join(mediaDir, file)));
  return missing.length ? `calibration media missing in ${mediaDir}: ${missing.join(", ")}` : null;
}

/** Hash of the quantizer's sources and the calibration media (names and sizes). */
export async function quantizerHash(mediaDir: string): Promise<string> {
  const hash = createHash("sha256");
  for (const file of SOURCES) hash.update(await readFile(path.join(REPO_ROOT, file)));
  for (const file of calibrationFiles()) {
    const info = await stat(path.join(mediaDir, file)).catch(() => null);
    hash.update(`${file}:${info?.size ?? "absent"}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}

/** Writes `target` from the float model `source`, calibrated on the media in `mediaDir`. */
export async function quantizeDetector(source: string, target: string, mediaDir: string): Promise<void> {
  const python = await ensureVenv();
  const inputs = path.join(MODELS_CACHE_DIR, "calibration.f32");
  try {
    const count = await writeCalibrationInputs(mediaDir, inputs);
    await run(python, [path.join(REPO_ROOT, SCRIPT), "--model", source, "--calibration", inputs, "--count", String(count), "--output", target], {
      maxBuffer: 16 * 1024 * 1024,
    });
  } finally {
    // About 3 MB a frame: not worth keeping once the model is made.
    await rm(inputs, { force: true });
  }
}

/** The venv's python, made (or remade) when it is missing or its pins changed. */
async function ensureVenv(): Promise<string> {
  const python = path.join(VENV, "bin/python");
  const marker = path.join(VENV, ".framewise-requirements");
  const wanted = createHash("sha256").update(await readFile(path.join(REPO_ROOT, REQUIREMENTS))).digest("hex");
  if (existsSync(python) && (await readFile(marker, "utf8").catch(() => "")) === wanted) return python;
  await rm(VENV, { recursive: true, force: true });
  console.log(`venv     ${path.relative(REPO_ROOT, VENV)}  pip install -r ${REQUIREMENTS}`);
  try {
    await run("python3", ["-m", "venv", VENV]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the int8 detector needs python3 with venv (Debian: python3-venv; scripts/setup.sh installs it): ${reason}`);
  }
  await run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", path.join(REPO_ROOT, REQUIREMENTS)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  await writeFile(marker, wanted);
  return python;
}
