import { eventType } from "inngest";
import { z } from "zod";
import type { JobKind } from "@/lib/db/schema";

/**
 * Every event name Framewise sends or listens to, with the schema of its data. Nothing else
 * in the code base spells an event name.
 */

const jobRequested = z.object({
  jobId: z.string(),
  /** Seconds a run moves up the queue (`priority.run`), clamped to Inngest's [-600, 600]. */
  priority: z.number().int().min(-600).max(600),
});
export type JobRequestedData = z.infer<typeof jobRequested>;

/** One event per job kind that has a function; createJob sends it. */
export const jobRequestedEvents = {
  analyze: eventType("video/analysis.requested", { schema: jobRequested }),
  ingest: eventType("job/ingest.requested", { schema: jobRequested }),
  transcribe: eventType("job/transcribe.requested", { schema: jobRequested }),
  generate_clip: eventType("job/generate-clip.requested", { schema: jobRequested }),
  render: eventType("job/render.requested", { schema: jobRequested }),
  export: eventType("job/export.requested", { schema: jobRequested }),
  enhance: eventType("job/enhance.requested", { schema: jobRequested }),
  metadata: eventType("job/metadata.requested", { schema: jobRequested }),
  extract_features: eventType("job/extract-features.requested", { schema: jobRequested }),
  reframe: eventType("video/reframe.requested", { schema: jobRequested }),
  annotate: eventType("video/annotate.requested", { schema: jobRequested }),
} satisfies Partial<Record<JobKind, unknown>>;

export type RunnableJobKind = keyof typeof jobRequestedEvents;
export const runnableJobKinds = Object.keys(jobRequestedEvents) as RunnableJobKind[];

/**
 * The kinds `POST /jobs/` creates (contracts/editor-jobs.md). `analyze` is not one of them: it
 * is made by the cabin-events routes, for a video they registered.
 */
export const editorJobKinds = ["ingest", "transcribe", "generate_clip", "render", "export", "extract_features"] as const satisfies readonly RunnableJobKind[];

/** Cancels the run carrying `jobId` (every job function lists it in `cancelOn`). */
export const jobCancelRequested = eventType("job/cancel.requested", { schema: z.object({ jobId: z.string() }) });
