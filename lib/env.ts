import path from "node:path";
import { z } from "zod";

/**
 * The one reader of process.env. Every variable has a default that runs Framewise on one
 * machine with nothing set; README.md documents each of them.
 */
const csv = z
  .string()
  .optional()
  .transform((value) => (value ?? "").split(",").map((part) => part.trim()).filter(Boolean));

const onOff = z.enum(["on", "off"]);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_NAME: z.string().default("Framewise"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  /** Public base URL used for absolute links; derived from the request when unset. */
  PUBLIC_URL: z.string().url().optional(),
  /** on: a reverse proxy in front sets X-Forwarded-Host and X-Forwarded-Proto, and they are believed; off: they are dropped. */
  TRUST_PROXY: onOff.default("off"),
  DATA_DIR: z.string().default("./data"),
  /**
   * Where media lives (lib/storage/object-store.ts): unset, the data folder on local disk;
   * `s3://bucket/prefix`, an S3-compatible store at S3_ENDPOINT (AWS itself when unset) in
   * S3_REGION, with the AWS SDK's usual credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...).
   */
  STORAGE_URL: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9!_.*'()/-]*)?$/, "expected s3://bucket or s3://bucket/prefix")
    .optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default("us-east-1"),
  DATABASE_URL: z.string().optional(),
  /** Redis for live updates between web replicas (pub/sub); unset: PostgreSQL LISTEN/NOTIFY with DATABASE_URL, in-process with PGlite. */
  REDIS_URL: z.string().optional(),
  VIDEO_INPUT_DIR: z.string().optional(),
  MODELS_DIR: z.string().default("./models"),
  FRONTEND_ORIGIN: z.string().default("*"),
  AUTH_SECRET: z.string().optional(),
  ADMIN_EMAIL: z.string().optional(),
  ANONYMOUS_API: onOff.default("on"),
  RATE_LIMIT_PER_HOUR: z.coerce.number().int().positive().default(100),
  /** `POST /register` calls per client address per hour. */
  REGISTER_PER_HOUR: z.coerce.number().int().positive().default(20),
  /** Browser sign-ups per client address per hour. */
  SIGN_UP_PER_HOUR: z.coerce.number().int().positive().default(20),
  /** Wrong passwords per account per hour; past it even the right one waits for the next hour. */
  SIGN_IN_FAILURES_PER_HOUR: z.coerce.number().int().positive().default(10),
  /** Wrong passwords per client address per hour, over all accounts. */
  SIGN_IN_FAILURES_PER_ADDRESS_PER_HOUR: z.coerce.number().int().positive().default(50),
  /** Requests with an API key that matches no live key, per client address per hour (then 429). */
  UNKNOWN_KEY_PER_HOUR: z.coerce.number().int().positive().default(50),
  MAX_CONCURRENT_UPLOADS: z.coerce.number().int().positive().default(10),
  MAX_UPLOAD_MB: z.coerce.number().int().positive().default(500),
  /** An upload that sends nothing for this long is ended with 408 and its slot freed. */
  UPLOAD_IDLE_SECONDS: z.coerce.number().positive().default(30),
  /** Cap on a JSON or form body; over it the answer is 413 before the body is parsed. */
  MAX_JSON_MB: z.coerce.number().positive().default(1),
  /** Largest video accepted, compared by area (a portrait 4320x7680 is as large as 7680x4320). */
  MAX_RESOLUTION: z
    .string()
    .default("7680x4320")
    .transform((value, context) => {
      const match = /^\s*(\d+)\s*x\s*(\d+)\s*$/i.exec(value);
      if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
        context.addIssue({ code: "custom", message: "expected WIDTHxHEIGHT, e.g. 7680x4320" });
        return z.NEVER;
      }
      return { width: Number(match[1]), height: Number(match[2]) };
    }),
  MAX_JOB_MINUTES: z.coerce.number().positive().default(10),
  /** Under this much free space in DATA_DIR, `/health` says degraded. */
  MIN_FREE_DISK_MB: z.coerce.number().nonnegative().default(1024),
  /** Longest video an anonymous caller may submit; a longer one is a 400 before any processing. */
  ANONYMOUS_MAX_VIDEO_MINUTES: z.coerce.number().positive().default(30),
  INNGEST_BASE_URL: z.string().optional(),
  INNGEST_EVENT_KEY: z.string().optional(),
  INNGEST_SIGNING_KEY: z.string().optional(),
  /**
   * Inngest mode: the origin the Inngest server calls this app's /api/inngest on (sync and
   * every step). Unset: http://localhost:<PORT> (what Next's request URL says), for a server
   * on the same host.
   */
  INNGEST_SERVE_ORIGIN: z.string().url().optional(),
  /** Local engine (used when INNGEST_BASE_URL and INNGEST_EVENT_KEY are unset). */
  ENGINE_URL: z.string().url().optional(),
  ENGINE_BACKOFF_MS: z.coerce.number().int().positive().default(1000),
  ENGINE_MAX_BACKOFF_MS: z.coerce.number().int().positive().default(300_000),
  ENGINE_POLL_MS: z.coerce.number().int().positive().default(5000),
  ENGINE_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(8),
  WORKER_URLS: csv,
  /**
   * How workers are handed media: `path`, a file of this host's data folder (the spawned worker,
   * or one that mounts the same folder); `url` (needs STORAGE_URL), a presigned GET of the object
   * store, and an upscale's presigned PUT, for workers that share no folder with this host.
   */
  WORKER_MEDIA: z.enum(["path", "url"]).default("path"),
  WORKER_DEVICE: z.enum(["auto", "cpu", "cuda"]).default("auto"),
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** OpenAI-compatible speech to text (`<base>/v1/audio/transcriptions`); unset: pocketsphinx here. */
  ASR_BASE_URL: z.string().url().optional(),
  ASR_API_KEY: z.string().optional(),
  ASR_MODEL: z.string().default("whisper-1"),
  /** OpenAI-compatible vision chat model for the reframer's scene descriptions (`<base>/v1/chat/completions`); unset: the measured descriptions. */
  LLM_BASE_URL: z.string().url().optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().optional(),
  LLM_TIMEOUT_S: z.coerce.number().positive().default(20),
  /** Feature extraction (contracts/feature-extraction.md): fetches into loopback, link-local and private ranges. */
  ALLOW_PRIVATE_URLS: onOff.default("off"),
  /** Largest image or video a feature job downloads, and how long one download may take. */
  FEATURES_MAX_DOWNLOAD_MB: z.coerce.number().positive().default(500),
  FEATURES_DOWNLOAD_TIMEOUT_S: z.coerce.number().positive().default(120),
  /** Most frames a feature job keeps per video (fps grid plus shot cuts). */
  FEATURES_MAX_FRAMES: z.coerce.number().int().positive().default(3000),
  /** The offset every feature-extraction timestamp is written in. */
  FEATURES_TZ: z
    .string()
    .regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, "expected an offset like +07:00")
    .default("+07:00"),
}).refine((values) => values.WORKER_MEDIA !== "url" || values.STORAGE_URL, { message: "WORKER_MEDIA=url needs STORAGE_URL: presigned URLs come from the object store", path: ["WORKER_MEDIA"] });

export type Env = z.infer<typeof schema> & { dataDir: string; modelsDir: string };

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    const parsed = schema.safeParse(process.env);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
      throw new Error(`Invalid configuration:\n  ${problems.join("\n  ")}`);
    }
    cached = {
      ...parsed.data,
      dataDir: path.resolve(parsed.data.DATA_DIR),
      modelsDir: path.resolve(parsed.data.MODELS_DIR),
    };
  }
  return cached;
}

/** Tests change variables between cases; production never calls this. */
export function resetEnvForTests(): void {
  cached = undefined;
}
