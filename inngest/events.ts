import { eventType } from "inngest";
import { z } from "zod";
import { jobKindDefinitions, mapJobKinds, type JobKind } from "@/lib/job-kinds";

/**
 * Every event Framewise sends or listens to, with the schema of its data. Nothing else in the
 * code base spells an event name, but for the event that starts each job kind's run, which its
 * kind's declaration names (lib/job-kinds.ts).
 */

const jobRequested = z.object({
  jobId: z.string(),
  /** Seconds a run moves up the queue (`priority.run`), clamped to Inngest's [-600, 600]. */
  priority: z.number().int().min(-600).max(600),
  /** Whose job this is, for per-caller concurrency (lib/jobs/caller.ts queueKeyOf); absent on events sent before it existed. */
  caller: z.string().optional(),
});
export type JobRequestedData = z.infer<typeof jobRequested>;

/**
 * One event per job kind, named where the kind is declared (lib/job-kinds.ts); the job queue
 * (inngest/client.ts) sends it for a new job, the kind's function listens to it.
 */
export const jobRequestedEvents = mapJobKinds<Record<JobKind, ReturnType<typeof eventType<string, typeof jobRequested>>>>((kind) =>
  eventType(jobKindDefinitions[kind].event, { schema: jobRequested }),
);

/** Cancels the run carrying `jobId` (every job function lists it in `cancelOn`). */
export const jobCancelRequested = eventType("job/cancel.requested", { schema: z.object({ jobId: z.string() }) });
