import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { DEFAULT_THRESHOLDS, TASKS, type Thresholds } from "./tasks/analyze";

/** Request bodies of the worker's two endpoints, and the path check both share. */
const probability = z.number().min(0).max(1).optional();

const thresholdsSchema = z
  .object({
    detect: probability,
    iou: probability,
    pose: probability,
    pose_people: z.number().int().min(0).max(100).optional(),
    mask: probability,
    faces: probability,
    ocr: probability,
  })
  .optional()
  .transform((value): Thresholds => ({ ...DEFAULT_THRESHOLDS, ...stripUndefined(value ?? {}) }));

const tasksSchema = z
  .array(z.enum(TASKS, { error: (issue) => `unknown task ${JSON.stringify(issue.input)}; tasks are ${TASKS.join(", ")}` }))
  .min(1, "give at least one task")
  .transform((tasks) => [...new Set(tasks)]);

export const analyzeSchema = z
  .object({
    path: z.string().min(1),
    start: z.number().min(0).optional(),
    end: z.number().positive().optional(),
    fps: z.number().positive().max(120),
    tasks: tasksSchema,
    thresholds: thresholdsSchema,
  })
  .refine((body) => body.end === undefined || body.end > (body.start ?? 0), { message: "end must be after start", path: ["end"] });

export const imagesSchema = (maxImages: number) =>
  z.object({
    paths: z.array(z.string().min(1)).min(1).max(maxImages),
    tasks: tasksSchema,
    thresholds: thresholdsSchema,
  });

export type AnalyzeRequest = z.infer<typeof analyzeSchema>;

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
      .join("; ");
    throw new AppError("bad_request", detail);
  }
  return parsed.data;
}

/**
 * The real path of a request's file, refused unless it resolves (symlinks included) inside
 * one of the allowed roots.
 */
export async function resolveAllowedPath(requested: string, roots: string[]): Promise<string> {
  let real: string;
  try {
    real = await realpath(path.resolve(requested));
  } catch {
    throw new AppError("not_found", `file not found: ${requested}`);
  }
  const realRoots = await Promise.all(roots.map((root) => realpath(root).catch(() => undefined)));
  const inside = realRoots.some((root) => root && (real === root || real.startsWith(root + path.sep)));
  if (!inside) throw new AppError("forbidden", `path is outside the allowed roots: ${requested}`);
  if (!(await stat(real)).isFile()) throw new AppError("bad_request", `not a file: ${requested}`);
  return real;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
