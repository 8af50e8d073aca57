import { eq } from "drizzle-orm";
import { mkdir } from "node:fs/promises";
import { NonRetriableError } from "inngest";
import path from "node:path";
import { db, type Db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { jobMediaDir } from "@/lib/storage/layout";
import { discardJobMedia, findJobMedia } from "@/lib/storage/job-media";
import type { Caller } from "./caller";
import { getJobOrThrow } from "./get-job";

/**
 * Editor jobs' files: named in `result_payload.files` by URL (`/jobs/{id}/files/{name}`,
 * served with Range by app/jobs/[job_id]/files/[name]), never by host path.
 */
export function jobFileUrl(jobId: string, name: string): string {
  return `/jobs/${jobId}/files/${encodeURIComponent(name)}`;
}

/** Types editor jobs write that lib/http/media-response.ts does not name. */
const editorTypes: Record<string, string> = {
  ".srt": "application/x-subrip; charset=utf-8",
  ".ass": "text/x-ssa; charset=utf-8",
  ".edl": "text/plain; charset=utf-8",
  ".wav": "audio/wav",
};

/**
 * A file of a job the caller may see, inside its media folder (no escapes: a name that leaves
 * it, or is absent, is `File <name> not found`), with its type when the extension alone
 * would not say.
 */
export async function jobFileOrThrow(database: Db, caller: Caller, jobId: string, name: string): Promise<{ file: string; contentType?: string }> {
  const job = await getJobOrThrow(database, caller, jobId);
  const file = await findJobMedia(job.id, name, { kind: "not_found", message: `File ${name} not found` });
  return { file, contentType: editorTypes[path.extname(file).toLowerCase()] };
}

/** How often a running step looks for its job having been cancelled. */
const CANCEL_POLL_MS = 300;

/**
 * Runs `work` with a signal that fires when the job is cancelled (its row says so: the cancel
 * route may run in another process than the step). Whatever the signal stops (ffmpeg, the
 * recogniser) is killed; the job's media folder is then removed, so no partial output
 * stays, and the step ends without a retry.
 */
export async function cancellable<T>(jobId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let checking = false;
  const timer = setInterval(async () => {
    if (checking || controller.signal.aborted) return;
    checking = true;
    try {
      const [row] = await (await db()).select({ status: jobs.status }).from(jobs).where(eq(jobs.id, jobId));
      if (!row || row.status === "cancelled") controller.abort();
    } catch {
      // the next tick tries again
    } finally {
      checking = false;
    }
  }, CANCEL_POLL_MS);
  try {
    await mkdir(jobMediaDir(jobId), { recursive: true });
    return await work(controller.signal);
  } catch (error) {
    // An AbortError (lib/media/ffmpeg.ts FfmpegAbortError and the like) is a stop the signal
    // caused, even where the check had not yet seen the row.
    if (controller.signal.aborted || (error instanceof Error && error.name === "AbortError")) {
      await discardJobMedia(jobId).catch(() => undefined);
      throw new NonRetriableError("Job was cancelled");
    }
    throw error;
  } finally {
    clearInterval(timer);
  }
}
