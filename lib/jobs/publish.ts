import type { Job, JobLog } from "@/lib/db/schema";
import { jobKindDefinitions } from "@/lib/job-kinds";
import type { JobKindDefinition } from "./job-kind";
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
  // A contract with its own live messages (contracts/enhance-metadata.md's status_update): its
  // client sockets hear that shape instead, where the kind has one for this job.
  announce(job, message, liveOf(job.kind)?.job(job) ?? undefined);
}

export function publishJobLog(job: Pick<Job, "id" | "kind" | "clientId" | "ownerId">, log: JobLog): void {
  // Log lines are not in every contract (enhance-metadata's): those client sockets do not get them.
  const clientMessage = liveOf(job.kind)?.log === false ? null : undefined;
  announce(job, { type: "job.log", jobId: job.id, log: { at: log.at.toISOString(), level: log.level, message: log.message } }, clientMessage);
}

/**
 * A deleted job: said on its own topic only (listeners that remember the job forget it,
 * lib/jobs/job-snapshot.ts); a contract's client topic has no such message.
 */
export function publishJobDeleted(job: Pick<Job, "id" | "ownerId">): void {
  publish(topics.job(job.id), { type: "job.deleted", jobId: job.id }, { ownerId: job.ownerId });
}

/** The kind's own live view (lib/jobs/job-kind.ts `live`); none for a kind this version lacks. */
function liveOf(kind: Job["kind"]): JobKindDefinition["live"] {
  return (jobKindDefinitions[kind] as JobKindDefinition | undefined)?.live;
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
