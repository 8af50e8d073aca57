import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs, type Job } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { canSee, type Caller } from "@/lib/jobs";
import { findJobMedia } from "@/lib/storage/job-media";
import { processTypes, type ProcessType } from "./process-status";

const FILE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const fileNotFound = () => new AppError("not_found", "File not found");

/** The latest job of `processType` for an uploaded file the caller may see, or 404 "File not found". */
export async function getProcessJobOrThrow(db: Db, caller: Caller, fileId: string, processType: ProcessType): Promise<Job> {
  if (!FILE_ID.test(fileId)) throw fileNotFound();
  const [job] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.videoId, fileId), eq(jobs.kind, processTypes[processType])))
    .orderBy(desc(jobs.createdAt))
    .limit(1);
  if (!job || !canSee(caller, job)) throw fileNotFound();
  return job;
}

/** Where each process writes its result, inside its job's media folder. */
export function enhancedFileName(fileId: string, extension: string): string {
  return `enhanced_${fileId}${extension}`;
}

export function metadataFileName(fileId: string): string {
  return `${fileId}_metadata.json`;
}

/** The result's public path (`/processed_videos/...`), or null until the job has completed. */
export function resultPathOf(job: Job): string | null {
  if (job.status !== "completed" || !job.videoId) return null;
  const result = job.resultPayload as { file_name?: string } | null;
  if (!result?.file_name) return null;
  return job.kind === "metadata" ? `/processed_videos/metadata/${result.file_name}` : `/processed_videos/${result.file_name}`;
}

/**
 * The file behind `GET /processed_videos/enhanced_{file_id}.{ext}` or
 * `/processed_videos/metadata/{file_id}_metadata.json`; "File not found" for anything else,
 * for a job not completed, or for another extension than the one written.
 */
export async function processedFileOrThrow(db: Db, caller: Caller, name: string, processType: ProcessType): Promise<string> {
  const match =
    processType === "video_enhancement" ? name.match(/^enhanced_([0-9a-f-]{36})(\.[a-z0-9]{2,4})$/i) : name.match(/^([0-9a-f-]{36})_metadata\.json$/i);
  if (!match) throw fileNotFound();
  const job = await getProcessJobOrThrow(db, caller, match[1], processType);
  const result = job.resultPayload as { file_name?: string } | null;
  if (job.status !== "completed" || result?.file_name !== name) throw fileNotFound();
  return findJobMedia(job.id, name, { kind: "not_found", message: "File not found" });
}

/**
 * What a socket on `/ws/{client_id}` gets at once (a late connection): each of the client's
 * files' upload_status and the current status of both processes, visible ones only.
 */
export async function clientCatchUp(db: Db, caller: Caller, clientId: string): Promise<Job[]> {
  const rows = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.clientId, clientId), inArray(jobs.kind, Object.values(processTypes))))
    .orderBy(jobs.createdAt)
    .limit(200);
  return rows.filter((job) => canSee(caller, job));
}
