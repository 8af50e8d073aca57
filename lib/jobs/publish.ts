import type { Job, JobLog } from "@/lib/db/schema";
import { processTypeOf, toStatusUpdate } from "@/lib/processing/process-status";
import { publish, topics } from "@/lib/ws/hub";

/**
 * Live updates for WebSocket/SSE listeners: every job write is announced on `job:<id>` and,
 * when the job carries one, `client:<clientId>`, each with the job's owner as its audience.
 *   { type: "job", job: { id, kind, status, phase, processed, total, currentStep, errorMessage, updatedAt, ... } }
 *   { type: "job.log", jobId, log: { at, level, message } }
 */
export function publishJob(job: Job): void {
  const message = {
    type: "job",
    job: {
      id: job.id,
      kind: job.kind,
      status: job.status,
      phase: job.phase,
      processed: job.processed,
      total: job.total,
      currentStep: job.currentStep,
      errorMessage: job.errorMessage,
      clientId: job.clientId,
      startedAt: job.startedAt?.toISOString() ?? null,
      completedAt: job.completedAt?.toISOString() ?? null,
      updatedAt: job.updatedAt.toISOString(),
    },
  };
  // contracts/enhance-metadata.md: its client sockets hear its own status_update shape, nothing else.
  const update = toStatusUpdate(job);
  announce(job, message, update ?? undefined);
}

export function publishJobLog(job: Pick<Job, "id" | "kind" | "clientId" | "ownerId">, log: JobLog): void {
  // Log lines are not in the enhance-metadata contract: its client sockets do not get them.
  const clientMessage = processTypeOf(job.kind) ? null : undefined;
  announce(job, { type: "job.log", jobId: job.id, log: { at: log.at.toISOString(), level: log.level, message: log.message } }, clientMessage);
}

/**
 * A client id is chosen by the client and may be guessed, so an owned job's messages carry
 * their owner: the socket side delivers them only to the owner or an admin
 * (lib/ws/upgrade.ts). An anonymous job's go to everyone on its client id (contract 003).
 */
function announce(job: Pick<Job, "id" | "clientId" | "ownerId">, message: unknown, clientMessage?: unknown): void {
  const audience = { ownerId: job.ownerId };
  publish(topics.job(job.id), message, audience);
  // clientMessage: what the client topic gets instead (null: nothing).
  const forClient = clientMessage === undefined ? message : clientMessage;
  if (job.clientId && forClient !== null) publish(topics.client(job.clientId), forClient, audience);
}
