"use server";

import { revalidatePath } from "next/cache";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { cancelJob, getChangeableJobOrThrow } from "@/lib/jobs";
import { deleteJob } from "@/lib/jobs/delete-job";
import { rerunJob } from "@/lib/jobs/rerun-job";
import { browserCaller, forgetBrowserJob, rememberBrowserJob } from "./browser-jobs";

/**
 * The browser's job controls (components/analysis/job-controls.tsx, the admin job page): the
 * signed-in caller, the lib/jobs verbs (which check that the caller may see the job), and a
 * domain error said as text. The HTTP contracts keep their own routes.
 */
export type JobActionResult = { ok: true; jobId: string; status?: string } | { ok: false; error: string };

async function run(action: () => Promise<{ jobId: string; status?: string }>): Promise<JobActionResult> {
  try {
    const done = await action();
    revalidatePath("/analyses");
    revalidatePath("/admin", "layout");
    return { ok: true, ...done };
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    throw error;
  }
}

async function caller() {
  return browserCaller(await currentUser());
}

export async function cancelJobAction(jobId: string): Promise<JobActionResult> {
  return run(async () => {
    const [database, who] = [await db(), await caller()];
    // The editor contract's cancel route lets anyone holding the id cancel an anonymous job;
    // the browser's button, like Delete and Run again, is its creator's alone.
    await getChangeableJobOrThrow(database, who, jobId, "cancel it");
    const job = await cancelJob(database, who, jobId);
    return { jobId: job.id, status: job.status };
  });
}

/** `changes`: payload fields to change (lib/jobs/rerun-job.ts); checked by the kind's schema. */
export async function rerunJobAction(jobId: string, changes: Record<string, unknown>): Promise<JobActionResult> {
  return run(async () => {
    const who = await caller();
    const job = await rerunJob(await db(), who, jobId, changes && typeof changes === "object" ? changes : {});
    // An anonymous job's re-run is anonymous too: the browser that started the first one owns
    // the second the same way (an admin re-running someone's anonymous job does not).
    if (job.ownerId === null && who.createdJobIds?.includes(jobId.toLowerCase())) await rememberBrowserJob(job.id);
    return { jobId: job.id, status: job.status };
  });
}

export async function deleteJobAction(jobId: string): Promise<JobActionResult> {
  return run(async () => {
    const deleted = await deleteJob(await db(), await caller(), jobId);
    await forgetBrowserJob(deleted.id);
    return { jobId: deleted.id };
  });
}
