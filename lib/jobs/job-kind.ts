import type { z } from "zod";
import type { Job } from "@/lib/db/schema";
import type { SourceReference } from "@/lib/videos/resolve-source";

/**
 * What a job kind is, declared once next to its domain's code (lib/<domain>/job-kinds.ts) and
 * collected in lib/job-kinds.ts; the kind list, the events that start runs, the payload union
 * and the functions index derive from the collection. lib/jobs reads kinds through this shape
 * only, so it knows no domain. A declaration is annotated with this type, `typeof` its payload
 * schema (not inferred through a helper): the jobs table's row type depends on the kind list,
 * and the views here take that row, so an inferred declaration would be a circular type.
 */
export type JobKindDefinition<Payload extends z.ZodType = z.ZodType> = SingleSourceJobKind<Payload> | MultiSourceJobKind<Payload>;

type JobKindBase<Payload extends z.ZodType> = {
  /** The event that starts the kind's run (inngest/events.ts makes it; its function listens). */
  event: string;
  /**
   * The payload, checked when the job is created (a bad request naming the field) and again
   * in the function's first step (the row may have been written by an older version).
   */
  payload: Payload;
  /** The contract's status serializer for a job of this kind (what its status route answers). */
  status: (job: Job, ...context: never[]) => unknown;
  /**
   * What the job's client topic hears (lib/jobs/publish.ts), where its contract has its own
   * live messages: `job` turns a job write into one (null: the generic message), `log: false`
   * keeps log lines off it. Without it the client topic hears the job topic's messages.
   */
  live?: { job: (job: Job) => unknown; log: boolean };
};

/** A kind whose run works on one video, resolved for the job's owner before its steps run. */
export type SingleSourceJobKind<Payload extends z.ZodType = z.ZodType> = JobKindBase<Payload> & {
  source: (payload: z.output<Payload>) => SourceReference;
};

/** A kind whose payload names several videos (or none): its function resolves each itself. */
export type MultiSourceJobKind<Payload extends z.ZodType = z.ZodType> = JobKindBase<Payload> & {
  sources: (payload: z.output<Payload>) => SourceReference[];
};
