import { z } from "zod";

/**
 * The inference worker's wire protocol, the one copy both sides import: the web side's client
 * (lib/inference/worker-client.ts) and the worker (workers/inference). Requests of
 * POST /v1/analyze and POST /v1/images, the NDJSON lines they stream back, the task names and
 * the defaults. It lives in lib/ because lib must never import workers/ (the worker may import
 * lib), and it imports nothing but zod so the worker does not pull in the web app.
 */

/**
 * Fastest sampling rate either side accepts. One cap, 30, for the analysis options and the
 * worker alike: a job never samples faster than its video runs (frame indices must stay
 * unique) and nearly every video is 30 fps or less; past that, neighbouring frames are the same
 * picture to the detector and the tracker, while each one costs a full detector run (about
 * 50 ms of a CPU core). The worker used to allow 120, which no caller could reach.
 */
export const MAX_SAMPLE_FPS = 30;

// What the tasks return, item by item. Boxes are integer source pixels; point coordinates are not.

const bboxSchema = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int(), height: z.number().int() });
export type WorkerBox = z.infer<typeof bboxSchema>;

const pointSchema = z.object({ name: z.string(), x: z.number(), y: z.number() });

/**
 * `appearance`: the box's colour signature (workers/inference/tasks/appearance.ts: chromaticity
 * and brightness of the torso and legs bands), for re-identification; absent from older workers.
 */
export const detectionSchema = z.object({ class: z.string(), confidence: z.number(), bbox: bboxSchema, appearance: z.array(z.number()).max(16).optional() });
export type WorkerDetection = z.infer<typeof detectionSchema>;

/** One person's keypoints (MoveNet), those scoring at least `thresholds.pose`. */
export const poseSchema = z.object({ bbox: bboxSchema.optional(), keypoints: z.array(pointSchema.extend({ score: z.number() })) });
export type WorkerPose = z.infer<typeof poseSchema>;

/** The person mask: row-major run lengths over width x height, zeros first. */
export const maskSchema = z.object({ class: z.literal("person"), mask_rle: z.string(), mask_area_pixels: z.number().int().nonnegative() });
export type WorkerMask = z.infer<typeof maskSchema>;

/** A face with its six BlazeFace landmarks and a 192-d MobileFaceNet embedding (L2-normalised). */
export const faceSchema = z.object({ bbox: bboxSchema, confidence: z.number(), landmarks: z.array(pointSchema), embedding: z.array(z.number()) });
export type WorkerFace = z.infer<typeof faceSchema>;

export const ocrLineSchema = z.object({ bbox: bboxSchema, text: z.string(), confidence: z.number() });
export type WorkerOcrLine = z.infer<typeof ocrLineSchema>;

const probability = z.number().min(0).max(1);

/**
 * Every task, the protocol's half of its descriptor, in the order the protocol lists them: the
 * thresholds it reads (each with its default and schema) and the ImageResult field its result
 * fills (with that field's schema). The task names, the thresholds, their defaults and schema
 * and the result's schema all derive from this list. The worker's half (the models a task loads
 * and how it runs) is TASK_RUNS in workers/inference/tasks/analyze.ts, typed to cover every task
 * here: a new model is one entry in each, and the worker may import this file, never the reverse.
 */
const TASK_WIRE = {
  detect: {
    thresholds: {
      // 0.2, the analysis default, for every caller (the worker alone used 0.25). ByteTrack's
      // second association feeds on boxes between its low (0.1) and high (0.5) thresholds, so a
      // job wants the 0.2-0.25 band; the small detector still scores real animals about 0.3, so
      // person.jpg's dog and horse are found either way.
      /** Detector score floor. */
      detect: { default: 0.2, schema: probability },
      /** IoU above which non-maximum suppression drops the weaker box. */
      iou: { default: 0.4, schema: probability },
    },
    result: { key: "detections", schema: z.array(detectionSchema) },
  },
  pose: {
    thresholds: {
      /** Keypoint score floor. */
      pose: { default: 0.3, schema: probability },
      /** Most people per frame that get a pose run (the highest-scoring ones). */
      pose_people: { default: 8, schema: z.number().int().min(0).max(100) },
    },
    result: { key: "pose", schema: z.array(poseSchema).optional() },
  },
  mask: { thresholds: { mask: { default: 0.5, schema: probability } }, result: { key: "masks", schema: z.array(maskSchema).optional() } },
  /** The frame's 480-d embedding (pooled detector backbone, L2-normalised). */
  embed: { thresholds: {}, result: { key: "embedding", schema: z.array(z.number()).optional() } },
  faces: { thresholds: { faces: { default: 0.6, schema: probability } }, result: { key: "faces", schema: z.array(faceSchema).optional() } },
  ocr: { thresholds: { ocr: { default: 0.5, schema: probability } }, result: { key: "ocr", schema: z.array(ocrLineSchema).optional() } },
} as const;
type TaskWire = typeof TASK_WIRE;

export type Task = keyof TaskWire;
/** The task names, in TASK_WIRE's order (a non-empty tuple, as z.enum wants). */
export const TASKS = Object.keys(TASK_WIRE) as Task[] as unknown as readonly [Task, ...Task[]];

type ThresholdName = { [T in Task]: keyof TaskWire[T]["thresholds"] }[Task];
export type Thresholds = Record<ThresholdName, number>;

/** The ImageResult field each task fills. */
export type ResultKey<T extends Task = Task> = TaskWire[T]["result"]["key"];
export const resultKeyOf = (task: Task): ResultKey => TASK_WIRE[task].result.key;
/** Every result field, in task order. */
export const RESULT_KEYS: ResultKey[] = TASKS.map(resultKeyOf);

const thresholdEntries = Object.values(TASK_WIRE).flatMap((task) => Object.entries(task.thresholds) as [ThresholdName, { default: number; schema: z.ZodNumber }][]);

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze(Object.fromEntries(thresholdEntries.map(([name, threshold]) => [name, threshold.default])) as Thresholds);

/** What a request may say about thresholds; every threshold it leaves out takes its default. */
export const thresholdsSchema = z
  .object(Object.fromEntries(thresholdEntries.map(([name, threshold]) => [name, threshold.schema.optional()])) as { [K in ThresholdName]: z.ZodOptional<z.ZodNumber> })
  .optional()
  .transform((value): Thresholds => ({ ...DEFAULT_THRESHOLDS, ...stripUndefined(value ?? {}) }));

export const tasksSchema = z
  .array(z.enum(TASKS, { error: (issue) => `unknown task ${JSON.stringify(issue.input)}; tasks are ${TASKS.join(", ")}` }))
  .min(1, "give at least one task")
  .transform((tasks) => [...new Set(tasks)]);

/**
 * Largest picture a hint may describe: twice 8K UHD. The worker allocates frames of the hinted
 * size, so a hint must not be able to ask for more memory than a real video would need.
 */
export const MAX_HINT_PIXELS = 2 * 7680 * 4320;

/**
 * What the caller's own probe said about the file, so the worker need not run ffprobe again
 * (one probe per job). Only a hint: the worker uses it while the file still has this size and
 * modification time, probes the file itself when it does not, and always scales frames to the
 * hinted size, so a wrong hint gives wrong pictures, never torn buffers.
 */
export const sourceHintSchema = z
  .object({
    size: z.number().int().nonnegative(),
    mtimeMs: z.number().nonnegative(),
    width: z.number().int().positive().max(16384),
    height: z.number().int().positive().max(16384),
    /** The source frame rate: frame indices are round(timestamp * fps). */
    fps: z.number().positive().max(1000),
    duration: z.number().positive(),
  })
  .refine((hint) => hint.width * hint.height <= MAX_HINT_PIXELS, { message: `more than ${MAX_HINT_PIXELS} pixels`, path: ["width"] });
export type SourceHint = z.infer<typeof sourceHintSchema>;

/**
 * POST /v1/analyze: one range of one video, sampled at `fps`. Media here and in the requests below
 * is a path inside the worker's allowed roots, or a presigned URL under its allowed prefixes
 * (workers/inference/remote-media.ts).
 */
export const analyzeRequestSchema = z
  .object({
    path: z.string().min(1),
    start: z.number().min(0).optional(),
    end: z.number().positive().optional(),
    fps: z.number().positive().max(MAX_SAMPLE_FPS),
    tasks: tasksSchema,
    thresholds: thresholdsSchema,
    source: sourceHintSchema.optional(),
  })
  .refine((body) => body.end === undefined || body.end > (body.start ?? 0), { message: "end must be after start", path: ["end"] });
/** What a client sends (thresholds partial, tasks as given). */
export type AnalyzeRequestInput = z.input<typeof analyzeRequestSchema>;
/** What the worker handles (defaults filled in). */
export type AnalyzeRequest = z.output<typeof analyzeRequestSchema>;

/** POST /v1/images: stills, at most `maxImages` per request (WORKER_MAX_IMAGES). */
export const imagesRequestSchema = (maxImages: number) =>
  z.object({
    paths: z.array(z.string().min(1)).min(1).max(maxImages),
    tasks: tasksSchema,
    thresholds: thresholdsSchema,
  });
export type ImagesRequestInput = z.input<ReturnType<typeof imagesRequestSchema>>;

const resultShape = Object.fromEntries(Object.values(TASK_WIRE).map((task) => [task.result.key, task.result.schema])) as { [T in Task as ResultKey<T>]: TaskWire[T]["result"]["schema"] };

/** What the tasks make of one picture; a field is present when its task was asked for. */
export const imageResultSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  ...resultShape,
});
export type ImageResult = z.infer<typeof imageResultSchema>;
/** What one task puts in its ImageResult field. */
export type TaskResult<T extends Task> = NonNullable<ImageResult[ResultKey<T>]>;

// The lines streamed back.

/** One line of /v1/analyze per sampled frame. */
export const frameLineSchema = imageResultSchema.extend({
  /** Source frame index: round(timestamp * source fps). */
  index: z.number().int().nonnegative(),
  /** Seconds from the start of the video. */
  timestamp: z.number().nonnegative(),
});
export type WorkerFrame = z.infer<typeof frameLineSchema>;

/** One line of /v1/images per image, named by the path it was asked for. */
export const imageLineSchema = imageResultSchema.extend({ path: z.string() });
export type WorkerImageLine = z.infer<typeof imageLineSchema>;

/**
 * POST /v1/upscale: the AI upscale (ESRGAN-slim, workers/upscale) of one whole video on the
 * worker, frame by frame, written to `output`: a new file inside the worker's allowed roots, as
 * `path` is, when the two share DATA_DIR; or a presigned PUT under the worker's allowed URLs
 * (WORKER_MEDIA=url), sent the video once it is whole. The stream: one progress line at most
 * every 250 ms, then the result line, then the done line.
 */
export const UPSCALE_FORMATS = ["mp4", "mov", "matroska", "avi"] as const;
export const upscaleRequestSchema = z.object({
  path: z.string().min(1),
  output: z.string().min(1),
  format: z.enum(UPSCALE_FORMATS),
  scale: z.union([z.literal(2), z.literal(4)]),
  /** Copy (as AAC) the source's first audio stream. */
  has_audio: z.boolean().default(false),
  source: sourceHintSchema.optional(),
});
export type UpscaleRequestInput = z.input<typeof upscaleRequestSchema>;

export const upscaleProgressLineSchema = z.object({ frame: z.number().int().nonnegative(), total: z.number().int().nonnegative() });
export const upscaleResultLineSchema = z.object({
  upscaled: z.object({ frames: z.number().int().nonnegative(), ms_per_frame: z.number().nonnegative(), provider: z.string(), width: z.number().int().positive(), height: z.number().int().positive() }),
});
export type UpscaleResult = z.infer<typeof upscaleResultLineSchema>["upscaled"];
/** A line of a /v1/upscale stream before its done line. */
export const upscaleLineSchema = z.union([upscaleResultLineSchema, upscaleProgressLineSchema]);

/**
 * The last line of every stream: done with the count (and the milliseconds it took), or a
 * failure after the 200 was sent, which is the only way left to report one.
 */
export const doneLineSchema = z.union([
  z.object({ done: z.literal(true), frames: z.number().int().optional(), images: z.number().int().optional(), ms: z.number().optional() }),
  z.object({ done: z.literal(false), error: z.string(), frames: z.number().int().optional(), images: z.number().int().optional() }),
]);
export type DoneLine = z.infer<typeof doneLineSchema>;

/** Any line of a /v1/analyze stream. */
export const analyzeLineSchema = z.union([doneLineSchema, frameLineSchema]);
/** Any line of a /v1/images stream. */
export const imagesLineSchema = z.union([doneLineSchema, imageLineSchema]);

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
