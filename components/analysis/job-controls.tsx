import type { Job } from "@/lib/db/schema";
import { formFromOptions } from "@/lib/analysis/options-form";
import { jobPayloadSchemas } from "@/lib/jobs/payloads";
import { JobControlsPanel } from "./job-controls-panel";

/**
 * The controls of one job (cancel, run again, delete, elapsed and remaining time), mounted on
 * the analysis page and the admin job page. An analysis shows the options it ran with, read
 * through its payload schema, so the re-run form starts from them. `mayChange` says whether
 * this caller may cancel, re-run or delete it (lib/jobs/caller.ts `canChange`); someone who
 * only opened an anonymous job's link sees its times and a note instead of the buttons.
 */
export function JobControls({ job, mayChange, jobHref = "/analyses/{id}", afterDelete = "/analyses" }: { job: Job; mayChange: boolean; jobHref?: string; afterDelete?: string }) {
  const parsed = job.kind === "analyze" ? jobPayloadSchemas.analyze.safeParse(job.payload) : null;
  return (
    <JobControlsPanel
      jobId={job.id}
      kind={job.kind}
      status={job.status}
      processed={job.processed}
      total={job.total}
      phase={job.phase}
      createdAt={job.createdAt.toISOString()}
      startedAt={job.startedAt?.toISOString() ?? null}
      completedAt={job.completedAt?.toISOString() ?? null}
      options={parsed?.success ? formFromOptions(parsed.data) : null}
      classVisible={parsed?.success ? parsed.data.rules.classVisible : undefined}
      mayChange={mayChange}
      jobHref={jobHref}
      afterDelete={afterDelete}
    />
  );
}
