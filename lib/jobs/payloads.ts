import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { jobKindDefinitions, mapJobKinds, type JobKind, type JobKindDefinitions } from "@/lib/job-kinds";
import type { SourceReference } from "@/lib/videos/resolve-source";

/**
 * Every job kind's payload, as its domain declares it (lib/job-kinds.ts). Checked when the job
 * is created (a bad request naming the field) and again in the job function's first step (the
 * row may have been written by an older version).
 */
export const jobPayloadSchemas = mapJobKinds<{ [K in JobKind]: JobKindDefinitions[K]["payload"] }>((kind) => jobKindDefinitions[kind].payload);

export type JobPayload<K extends JobKind> = z.output<JobKindDefinitions[K]["payload"]>;

/** Kinds whose payload names one video, resolved before their function's steps run. */
export type SingleSourceKind = { [K in JobKind]: JobKindDefinitions[K] extends { source: unknown } ? K : never }[JobKind];

export function hasOneSource(kind: JobKind): kind is SingleSourceKind {
  return "source" in jobKindDefinitions[kind];
}

/**
 * The payload as its kind's schema reads it, or a bad_request naming the first wrong field
 * the way route() names body fields: `Request body 'source_asset_id': must be a video id`.
 */
export function parseJobPayload<K extends JobKind>(kind: K, payload: unknown): JobPayload<K> {
  const parsed = jobKindDefinitions[kind].payload.safeParse(payload);
  if (parsed.success) return parsed.data as JobPayload<K>;
  const issue = parsed.error.issues[0];
  const where = issue.path.length ? `Request body '${issue.path.join(".")}'` : "Request body";
  throw new AppError("bad_request", `${where}: ${issue.message}`);
}

/** Where the payload's videos are to be found, in the words lib/videos/resolve-source.ts takes. */
export function sourcesOf<K extends JobKind>(kind: K, payload: JobPayload<K>): SourceReference[] {
  return hasOneSource(kind) ? [sourceOf(kind, payload)] : (jobKindDefinitions[kind] as { sources: (payload: unknown) => SourceReference[] }).sources(payload);
}

/** Where the payload's video is to be found, in the words lib/videos/resolve-source.ts takes. */
export function sourceOf<K extends SingleSourceKind>(kind: K, payload: JobPayload<K>): SourceReference {
  return (jobKindDefinitions[kind] as { source: (payload: unknown) => SourceReference }).source(payload);
}
