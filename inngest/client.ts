import { Inngest, type ClientOptions } from "inngest";
import { env } from "@/lib/env";
import { admitNext, type StartRun } from "@/lib/jobs/admission";
import { setJobQueue } from "@/lib/jobs/job-queue";
import { jobCancelRequested, jobRequestedEvents } from "./events";
import { localEventKey, localSigningKey } from "./engine/signing";

/**
 * The one Inngest client. Where it sends events and who calls its functions is decided here
 * and nowhere else:
 * - "inngest": INNGEST_BASE_URL and/or INNGEST_EVENT_KEY are set. Inngest Cloud (keys only)
 *   or a self-hosted `inngest start` (INNGEST_BASE_URL + keys). Requests are signed.
 * - "local": neither is set. The local engine (inngest/engine) runs inside the web process
 *   and the client posts its events to it on this server's own port. Signed all the same: the
 *   client is not in dev mode and holds a signing key made once in DATA_DIR
 *   (localSigningKey), which the engine signs its calls to `/api/inngest` with, so the SDK
 *   refuses anyone else's; events go to `/e/<key derived from it>`.
 */
export type OrchestrationMode = "local" | "inngest";

const appId = "framewise";

export function orchestrationMode(): OrchestrationMode {
  const config = env();
  return config.INNGEST_BASE_URL || config.INNGEST_EVENT_KEY ? "inngest" : "local";
}

/** The local engine's signing key (DATA_DIR/inngest-signing-key, made on first use). */
export function localEngineSigningKey(): string {
  return localSigningKey(env().dataDir);
}

/**
 * Where the local engine's event API (`/e/<key>`) is reached: ENGINE_URL, else the URL the
 * running engine was started with (known once the server listens, even with PORT=0; shared
 * through globalThis with Next's bundled copy of this module), else this server's PORT.
 */
export function localEngineBaseUrl(): string {
  const config = env();
  const started = (globalThis as { __framewiseEngine?: { appUrl?: string } }).__framewiseEngine?.appUrl;
  return (config.ENGINE_URL ?? started ?? `http://127.0.0.1:${config.PORT}`).replace(/\/?$/, "/");
}

function clientOptions(): ClientOptions {
  const config = env();
  if (orchestrationMode() === "local") {
    // Getters: the SDK keeps this object and reads `baseUrl`, `signingKey` and `eventKey` when
    // it uses them (inngest 4.24.0), so nothing is read or made at import (next build imports this).
    return {
      id: appId,
      isDev: false,
      get baseUrl() {
        return localEngineBaseUrl();
      },
      get signingKey() {
        return localEngineSigningKey();
      },
      get eventKey() {
        return localEventKey(localEngineSigningKey());
      },
    };
  }
  return {
    id: appId,
    baseUrl: config.INNGEST_BASE_URL,
    eventKey: config.INNGEST_EVENT_KEY,
    signingKey: config.INNGEST_SIGNING_KEY,
  };
}

export const inngest = new Inngest(clientOptions());

/** Sends a job's start event. Its id is the job's: a retried send never starts a second run. */
export const startJobRun: StartRun = async (job, caller) => {
  const priority = Math.max(-600, Math.min(600, Math.trunc(job.priority)));
  await inngest.send(jobRequestedEvents[job.kind].create({ jobId: job.id, priority, caller }, { id: `job-${job.id}` }));
};

/**
 * lib/jobs starts and cancels runs through this client: the job verbs know no orchestration,
 * and wherever the client is loaded (server.ts, the tests' engine) jobs can be created. The
 * local engine orders a caller's waiting runs by priority itself, so every job is sent at
 * once; the Inngest server does not, so there a caller's jobs are admitted one at a time,
 * highest priority first (lib/jobs/admission.ts).
 */
setJobQueue({
  enqueue: async (job, caller, db) => {
    if (orchestrationMode() === "local") return startJobRun(job, caller);
    await admitNext(db, caller, startJobRun);
  },
  cancel: async (jobId) => {
    await inngest.send(jobCancelRequested.create({ jobId }));
  },
  finished: async (job, db) => {
    if (orchestrationMode() === "local" || !job.queueKey) return;
    await admitNext(db, job.queueKey, startJobRun);
  },
});
