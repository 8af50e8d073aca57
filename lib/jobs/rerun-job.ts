import type { Db } from "@/lib/db/client";
import type { Job } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { jobKinds } from "@/lib/job-kinds";
import { appendJobLog } from "./append-job-log";
import type { Caller } from "./caller";
import { createJob } from "./create-job";
import { getChangeableJobOrThrow } from "./get-job";
import { ownerCaller } from "./owner-caller";

/**
 * Fields the routes that register a video write into analyze and reframe payloads: the video
 * and what its upload validated. A re-run keeps them (another video is another job).
 */
const serverFields = ["videoId", "duration", "filename", "checked"];

/**
 * Runs a job the caller may change (lib/jobs/caller.ts `canChange`) again, of any kind, as a new job: the same payload with
 * `changes` laid over its top-level fields (for an analysis: fps, tasks, detectThreshold,
 * tracker, rules...), checked again by the kind's schema (lib/jobs/payloads.ts), so a wrong
 * change is a bad request naming the field. The new job belongs to the old one's owner, not to
 * an admin who re-runs it, and keeps its video, trip, client and priority. The old job stays
 * as it was; the new one's log says where it came from.
 */
export async function rerunJob(db: Db, caller: Caller, jobId: string, changes: Record<string, unknown> = {}): Promise<Job> {
  const job = await getChangeableJobOrThrow(db, caller, jobId, "run it again");
  if (!jobKinds.includes(job.kind)) throw new AppError("bad_request", `A ${job.kind} job cannot be run again`);
  const fixed = Object.keys(changes).find((field) => serverFields.includes(field));
  if (fixed) throw new AppError("bad_request", `Request body '${fixed}': is set by the server and cannot be changed in a re-run`);
  // An anonymous job's re-run waits its turn with the address that made the first.
  const owner = { ...(await ownerCaller(db, job.ownerId)), queueKey: job.queueKey ?? undefined };
  const created = await createJob(db, owner, {
    kind: job.kind,
    payload: { ...job.payload, ...changes },
    priority: job.priority,
    clipVersionId: job.clipVersionId,
    clientId: job.clientId,
    videoId: job.videoId,
    tripId: job.tripId,
  });
  await appendJobLog(db, created.id, `Re-run of job ${job.id}`);
  return created;
}
