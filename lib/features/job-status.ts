import type { Db } from "@/lib/db/client";
import type { Job } from "@/lib/db/schema";
import type { Caller } from "@/lib/jobs";
import { jobExtra } from "@/lib/jobs/job-snapshot";
import { finishedStatuses } from "@/lib/jobs/set-job-status";
import { getFeatureJobOrThrow, jobCounts } from "./queries";
import { failedItems } from "./run-job";

export type FeatureJobStatus = { job: Job; counts: Awaited<ReturnType<typeof jobCounts>>; failed: Awaited<ReturnType<typeof failedItems>> };

/**
 * What GET /status/{job_id} (contracts/feature-extraction.md §1) shows: the job, its counts and
 * its failed items. Items are written while the job runs without each being announced, so a
 * running job's are counted on every call; a finished job's no longer change, and are kept
 * with its snapshot (lib/jobs/job-snapshot.ts) for the clients that keep polling it.
 */
export async function featureJobStatus(db: Db, caller: Caller, jobId: string): Promise<FeatureJobStatus> {
  const job = await getFeatureJobOrThrow(db, caller, jobId);
  const parts = async () => ({ counts: await jobCounts(db, job.id), failed: await failedItems(db, job.id) });
  const { counts, failed } = finishedStatuses.includes(job.status) ? await jobExtra(db, job.id, "feature-status", parts) : await parts();
  return { job, counts, failed };
}
