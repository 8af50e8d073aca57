import { analyze, annotate } from "@/lib/analysis/job-kinds";
import { exportJob, generateClip, ingest, render, transcribe } from "@/lib/editor/job-kinds";
import { extractFeatures } from "@/lib/features/job-kinds";
import { enhance, metadata } from "@/lib/processing/job-kinds";
import { reframe } from "@/lib/reframer/job-kinds";

/**
 * Every job kind, each declared next to its domain's code (lib/<domain>/job-kinds.ts). What
 * else names kinds derives from this: the jobs table's kind (lib/db/schema/jobs.ts), the events
 * that start runs (inngest/events.ts), the payload union (lib/jobs/payloads.ts) and the
 * functions index (inngest/functions/index.ts, checked complete against it). A new kind is its
 * domain's declaration, a line here, and its function.
 */
export const jobKindDefinitions = {
  analyze,
  ingest,
  transcribe,
  generate_clip: generateClip,
  render,
  export: exportJob,
  enhance,
  metadata,
  extract_features: extractFeatures,
  reframe,
  annotate,
};

export type JobKindDefinitions = typeof jobKindDefinitions;
/** What a job does. One table serves every contract; each contract serializes it its own way. */
export type JobKind = keyof JobKindDefinitions;
export const jobKinds = Object.keys(jobKindDefinitions) as JobKind[];

/** The record `{ kind: make(kind) }` over every kind, typed per kind. */
export function mapJobKinds<R extends { [K in JobKind]: unknown }>(make: (kind: JobKind) => R[JobKind]): R {
  return Object.fromEntries(jobKinds.map((kind) => [kind, make(kind)])) as R;
}

/**
 * The kinds `POST /jobs/` creates (contracts/editor-jobs.md). `analyze` is not one of them: it
 * is made by the cabin-events routes, for a video they registered.
 */
export const editorJobKinds = ["ingest", "transcribe", "generate_clip", "render", "export", "extract_features"] as const satisfies readonly JobKind[];
