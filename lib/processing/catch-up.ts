import { db } from "@/lib/db/client";
import type { Caller } from "@/lib/jobs/caller";
import { clientCatchUp } from "./find-process-job";
import { toStatusUpdate, toUploadStatus } from "./process-status";

/**
 * The messages a socket on `/ws/{client_id}` gets right after its hello: for each file the
 * client uploaded (that the caller may see), its upload_status, then each process's current
 * status_update. The same visibility rule as the live stream (canSee).
 */
export async function clientCatchUpMessages(caller: Caller, clientId: string): Promise<unknown[]> {
  const jobs = await clientCatchUp(await db(), caller, clientId);
  const messages: unknown[] = [];
  const announced = new Set<string>();
  for (const job of jobs) {
    if (!job.videoId) continue;
    if (!announced.has(job.videoId)) {
      announced.add(job.videoId);
      messages.push(toUploadStatus(job.videoId, job.createdAt));
    }
    const update = toStatusUpdate(job);
    if (update) messages.push(update);
  }
  return messages;
}
