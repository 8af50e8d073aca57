import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { allowedMediaPrefixes } from "./remote-media";

/**
 * The worker's configuration: the only place the worker (and scripts/models.ts) reads
 * process.env. Defaults run it next to the web app on one machine with nothing set.
 */
const csv = z
  .string()
  .optional()
  .transform((value) => (value ?? "").split(",").map((part) => part.trim()).filter(Boolean));

const schema = z.object({
  DATA_DIR: z.string().default("./data"),
  VIDEO_INPUT_DIR: z.string().optional(),
  MODELS_DIR: z.string().default("./models"),
  /** Roots a request path must resolve inside; default DATA_DIR and VIDEO_INPUT_DIR. */
  WORKER_ALLOWED_ROOTS: csv,
  /**
   * Prefixes of the URLs a request may name instead of a path (a worker on another host, sent
   * presigned URLs by a web side with WORKER_MEDIA=url); the store of STORAGE_URL at S3_ENDPOINT
   * is always one of them.
   */
  WORKER_ALLOWED_URLS: csv.pipe(z.array(z.string().url())),
  STORAGE_URL: z.string().optional(),
  S3_ENDPOINT: z.string().url().optional(),
  WORKER_DEVICE: z.enum(["auto", "cpu", "cuda"]).default("auto"),
  WORKER_HOST: z.string().default("127.0.0.1"),
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Inference threads, each with its own sessions: frames inferred at once. */
  // One inference thread per core (at most 8: each thread holds its own model sessions).
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(Math.max(1, Math.min(8, os.availableParallelism()))),
  /** Intra-op threads per session: 1 wins for throughput on small CPUs (notes/models.md). */
  WORKER_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  WORKER_POSE_MODEL: z.enum(["movenet-lightning", "movenet-thunder"]).default("movenet-lightning"),
  /**
   * The detector's weights and arithmetic: int8 is CenterNet quantized by npm run models
   * (scripts/models/quantize.py); fp32 the converted original. Without the int8 file (it
   * needs the shared media to calibrate on) the worker runs fp32 and /healthz says why.
   */
  DETECTOR_PRECISION: z.enum(["int8", "fp32"]).default("fp32"),
  /** Where npm run models finds the media it calibrates the int8 detector on. */
  MODELS_CALIBRATION_DIR: z.string().default("../shared/media"),
  /** Most image paths in one /v1/images request. */
  WORKER_MAX_IMAGES: z.coerce.number().int().min(1).default(64),
});

export type WorkerEnv = z.infer<typeof schema> & { modelsDir: string; calibrationDir: string; allowedRoots: string[]; allowedUrls: string[] };

export function loadWorkerEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid worker configuration:\n  ${problems.join("\n  ")}`);
  }
  const data = parsed.data;
  const roots = data.WORKER_ALLOWED_ROOTS.length
    ? data.WORKER_ALLOWED_ROOTS
    : [data.DATA_DIR, ...(data.VIDEO_INPUT_DIR ? [data.VIDEO_INPUT_DIR] : [])];
  return {
    ...data,
    modelsDir: path.resolve(data.MODELS_DIR),
    calibrationDir: path.resolve(data.MODELS_CALIBRATION_DIR),
    allowedRoots: roots.map((root) => path.resolve(root)),
    allowedUrls: allowedMediaPrefixes(data),
  };
}
