import type { Db } from "@/lib/db/client";
import type { Job } from "@/lib/db/schema";
import { AppError, isAppError } from "@/lib/errors";
import { getJobOrThrow, type Caller } from "@/lib/jobs";

/** A reframe job the caller may see; anything else (another key's, another kind) is `Job not found`. */
export async function getReframeJob(db: Db, caller: Caller, jobId: string): Promise<Job> {
  try {
    const job = await getJobOrThrow(db, caller, jobId);
    if (job.kind !== "reframe" || !caller.user || job.ownerId !== caller.user.id) throw new AppError("not_found", "Job not found");
    return job;
  } catch (error) {
    if (isAppError(error) && error.kind === "not_found") throw new AppError("not_found", "Job not found");
    throw error;
  }
}

export { reframerStatus, toReframerJob, type ReframerStatus } from "./serializers";
