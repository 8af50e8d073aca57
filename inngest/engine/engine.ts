import crypto from "node:crypto";
import type http from "node:http";
import { and, asc, count, eq, gt, inArray, lt, lte, min, ne, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { engineEvents, engineQueue, engineRuns, engineSteps, type EngineQueueItem, type EngineRun } from "@/lib/db/schema";
import { isDiskFull } from "@/lib/storage/disk-space";
import { eventMatches, sleepUntil, toFunctionSpec, type FunctionSpec } from "./functions";
import { callSdk, readRequestBody, sendJson, type SdkResponse } from "./http";
import { soleLeadership, type Leadership } from "./leader";
import { localEventKey } from "./signing";

/**
 * A local runner for the subset of Inngest that Framewise uses. It speaks the SDK's wire
 * protocol (shared/notes/inngest-protocol.md) to the app's real `serve()` handler: it syncs
 * with an in-band PUT, accepts events on `POST /e/<key>`, and drives each run with POST
 * calls, memoizing step results. Runs, memoized steps and queue items live in the database
 * (lib/db/schema/engine.ts) and every outcome is recorded in one transaction, so a restarted
 * engine resumes unfinished runs without repeating finished steps.
 *
 * Supported: step.run, parallel steps (Promise.all), retries with exponential backoff,
 * NonRetriableError, RetryAfterError, onFailure, step.sleep / sleepUntil, step.sendEvent,
 * cancelOn, concurrency (per function, keyed, env-wide) and priority.run. Any other opcode
 * (waitForEvent, invoke, fetch, AI, signals, defer, race mode) fails the run with an error
 * that names it. Several web replicas on one PostgreSQL each run an engine: all of them take
 * events, and the one holding the queue's lock (./leader.ts) runs the queue, so a step is
 * never run by two replicas at once.
 *
 * Every call to serve() is signed with `signingKey` and every answer's signature is checked
 * (inngest/engine/signing.ts): the handler runs in the SDK's signed mode and refuses anyone
 * else. The event API takes only `/e/<eventKey>` and never events named `inngest/*`, which
 * are the engine's own (a forged `inngest/function.failed` would run an onFailure handler).
 */

export type EngineOptions = {
  db: Db;
  /** The app's serve() endpoint, e.g. http://127.0.0.1:3000/api/inngest. */
  serveUrl: string;
  /** The key the serve() handler's client holds (`signkey-<env>-<hex>`): calls are signed with it. */
  signingKey: string;
  /** The key the event API takes (`POST /e/<eventKey>`); derived from the signing key by default. */
  eventKey?: string;
  /** First retry delay; doubles per attempt up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * A safety net: how often the queue is read when nothing woke the engine. New work, finished
   * calls and the next sleep or retry coming due each wake it at once.
   */
  pollMs?: number;
  /** Most SDK calls in flight at once, across all functions. */
  maxInFlight?: number;
  /** How long start() keeps retrying the sync while the app warms up. */
  syncTimeoutMs?: number;
  logger?: Pick<Console, "info" | "warn" | "error">;
  /** Which replica runs the queue (./leader.ts); this engine alone by default. */
  leadership?: Leadership;
  /** Called after events are stored: with replicas, tells the leader to look at the queue. */
  onAccepted?: () => void;
};

export type EngineEvent = { name: string; data: Record<string, unknown>; id: string; ts: number; v?: string };
export type SerializedError = { name: string; message: string; stack?: string };
export type RunStatus = EngineRun["status"];

type Op = { id: string; op: string; name?: string; opts?: Record<string, unknown>; data?: unknown; error?: unknown };
type Scheduled = { kind: EngineQueueItem["kind"]; stepId: string | null; attempt: number; availableAt: Date };
type Outcome = {
  memo?: { stepId: string; result: { data?: unknown; error?: unknown } }[];
  schedule?: Scheduled[];
  complete?: { output: unknown };
  fail?: SerializedError;
};

const terminal: RunStatus[] = ["completed", "failed", "cancelled"];
const active: RunStatus[] = ["queued", "running"];
/** The id the SDK gives a function-level outcome that arrives among lazy ops. */
const completeStepId = crypto.createHash("sha1").update("complete").digest("hex");
/** The longest wait on a full disk: a job goes on within a minute once space returns. */
const maxWaitingMs = 30_000;

export class EngineUnavailableError extends Error {}

export class LocalEngine {
  readonly functions = new Map<string, FunctionSpec>();
  private state: "stopped" | "starting" | "running" | "stopping" = "stopped";
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly groupUse = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  /** Wakes the engine when the earliest waiting item (a sleep, a retry) comes due. */
  private wakeTimer?: NodeJS.Timeout;
  private pumping = false;
  /** Disk-full failures in a row per run and step (`runId:stepId`): how long the next wait is. */
  private readonly diskFull = new Map<string, number>();
  /** Items whose last call threw (the engine's own writes failed), held back until then. */
  private readonly heldUntil = new Map<number, { until: number; failures: number }>();
  private pumpAgain = false;
  private readonly db: Db;
  private readonly log: Pick<Console, "info" | "warn" | "error">;
  private readonly settings: Required<Omit<EngineOptions, "db" | "logger" | "leadership" | "onAccepted">>;
  private readonly leadership: Leadership;
  private readonly onAccepted: () => void;
  private readonly eventPath: string;

  constructor(options: EngineOptions) {
    this.db = options.db;
    this.log = options.logger ?? console;
    this.settings = {
      serveUrl: options.serveUrl,
      signingKey: options.signingKey,
      eventKey: options.eventKey ?? localEventKey(options.signingKey),
      backoffMs: options.backoffMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 5 * 60_000,
      pollMs: options.pollMs ?? 5000,
      maxInFlight: options.maxInFlight ?? 8,
      syncTimeoutMs: options.syncTimeoutMs ?? 60_000,
    };
    this.eventPath = `/e/${encodeURIComponent(this.settings.eventKey)}`;
    this.leadership = options.leadership ?? soleLeadership();
    this.onAccepted = options.onAccepted ?? (() => {});
  }

  /** Whether this engine runs the queue (the leader among replicas). */
  get leading(): boolean {
    return this.leadership.isLeader();
  }

  /** Looks at the queue now: another replica stored events (onAccepted there). */
  wake(): void {
    void this.pump();
  }

  get accepting(): boolean {
    return this.state === "running";
  }

  /**
   * Syncs the app's functions and starts taking events; as the leader (at once when alone),
   * requeues orphaned runs and runs the queue.
   */
  async start(): Promise<void> {
    if (this.state !== "stopped") return;
    this.state = "starting";
    try {
      await this.syncWithRetry();
    } catch (error) {
      this.state = "stopped";
      throw error;
    }
    this.state = "running";
    try {
      await this.leadership.start((leader) => {
        if (leader && this.state === "running") void this.takeOver();
      });
    } catch (error) {
      this.state = "stopped";
      throw error;
    }
    let ticks = 0;
    const pruneEvery = Math.max(1, Math.round(3_600_000 / this.settings.pollMs));
    this.timer = setInterval(() => {
      if (ticks++ % pruneEvery === 0) void this.pruneEvents();
      void this.pump();
    }, this.settings.pollMs);
    this.timer.unref();
    void this.pump();
  }

  /** Stops taking work; waits up to `graceMs` for calls in flight (unfinished ones rerun on restart). */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.state === "stopped") return;
    this.state = "stopping";
    clearInterval(this.timer);
    clearTimeout(this.wakeTimer);
    const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.inFlight.values()]), grace]);
    // Only now: another replica takes the queue over once this one has let go of it.
    await this.leadership.stop().catch(() => undefined);
    this.state = "stopped";
  }

  /** Now the leader: runs without queue items (their leader died between writes) are asked again. */
  private async takeOver(): Promise<void> {
    try {
      await this.requeueOrphans();
    } catch (error) {
      this.log.warn("[engine] requeueing unfinished runs failed:", error);
    }
    void this.pump();
  }

  // ---- sync -------------------------------------------------------------------------------

  async sync(): Promise<void> {
    const { serveUrl, signingKey } = this.settings;
    const response = await callSdk("PUT", serveUrl, { url: serveUrl }, signingKey, { "x-inngest-sync-kind": "in_band" });
    if (response.status !== 200 || response.headers["x-inngest-sync-kind"] !== "in_band" || !response.signed) {
      const why = response.status === 200 && !response.signed ? "the answer is not signed with our key" : `HTTP ${response.status}`;
      throw new Error(`In-band sync with ${serveUrl} failed (${why}): ${response.text.slice(0, 300)}`);
    }
    const configs = ((response.body as { functions?: Parameters<typeof toFunctionSpec>[0][] }).functions ?? []);
    this.functions.clear();
    for (const config of configs) {
      let spec: FunctionSpec;
      try {
        spec = toFunctionSpec(config);
      } catch (error) {
        throw new Error(`Function ${config.id}: ${(error as Error).message}`);
      }
      if (spec.ignored.length) this.log.warn(`[engine] ${spec.id}: not supported by the local engine, ignored: ${spec.ignored.join(", ")}`);
      this.functions.set(spec.id, spec);
    }
  }

  private async syncWithRetry(): Promise<void> {
    const deadline = Date.now() + this.settings.syncTimeoutMs;
    for (;;) {
      try {
        return await this.sync();
      } catch (error) {
        if (Date.now() > deadline || (error as Error).message.startsWith("Function ")) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** An active run always has queue items; a run left without any gets a discovery call. */
  private async requeueOrphans(): Promise<void> {
    await this.db.execute(sql`
      insert into ${engineQueue} (run_id, kind, attempt, available_at, order_at)
      select r.id, 'discover', 0, now(), r.order_at from ${engineRuns} r
      where r.status in ('queued', 'running')
        and not exists (select 1 from ${engineQueue} q where q.run_id = r.id)`);
  }

  // ---- events -----------------------------------------------------------------------------

  /** Event ids deduplicate for 24 hours, as with Inngest; older events are dropped (hourly). */
  private async pruneEvents(): Promise<void> {
    try {
      await this.db.delete(engineEvents).where(lt(engineEvents.receivedAt, new Date(Date.now() - 24 * 3_600_000)));
    } catch (error) {
      if (this.state === "running") this.log.warn("[engine] pruning old events failed:", error);
    }
  }

  /** The event API: stores each event, cancels the runs it cancels, starts the runs it triggers. */
  async send(events: unknown[]): Promise<string[]> {
    if (!this.accepting) throw new EngineUnavailableError("the local engine is not running");
    const ids: string[] = [];
    for (const raw of events) {
      const event = normalizeEvent(raw);
      ids.push(event.id);
      await this.ingest(event);
    }
    void this.pump();
    this.onAccepted();
    return ids;
  }

  /**
   * Serves `POST /e/<key>` exactly as the SDK expects: `{ ids, status: 200 }`. Another key is a
   * 401, as Inngest answers it; events named `inngest/*` are refused.
   */
  async handleEventRequest(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    if (request.method !== "POST") return sendJson(response, 405, { status: 405, error: "Use POST" });
    if (!sameText((request.url ?? "").split("?")[0], this.eventPath)) {
      request.resume();
      return sendJson(response, 401, { status: 401, error: "Event key not found" });
    }
    try {
      const parsed = JSON.parse(await readRequestBody(request)) as unknown;
      const events = Array.isArray(parsed) ? parsed : [parsed];
      if (events.some((event) => String((event as { name?: unknown } | null)?.name ?? "").startsWith("inngest/"))) {
        throw new Error("Event names starting with inngest/ are reserved");
      }
      const ids = await this.send(events);
      sendJson(response, 200, { ids, status: 200 });
    } catch (error) {
      const status = error instanceof EngineUnavailableError ? 503 : 400;
      sendJson(response, status, { status, error: (error as Error).message });
    }
  }

  private async ingest(event: EngineEvent): Promise<void> {
    await this.db.transaction(async (tx) => {
      const stored = await tx
        .insert(engineEvents)
        .values({ id: event.id, name: event.name, event })
        .onConflictDoNothing()
        .returning({ id: engineEvents.id });
      if (!stored.length) return; // a repeated event id triggers nothing

      for (const fn of this.functions.values()) {
        const cancels = fn.cancel.filter((cancel) => eventMatches(cancel.event, event.name));
        if (!cancels.length) continue;
        const runs = await tx
          .select({ id: engineRuns.id, event: engineRuns.event, createdAt: engineRuns.createdAt })
          .from(engineRuns)
          .where(and(eq(engineRuns.functionId, fn.id), inArray(engineRuns.status, active)));
        for (const run of runs) {
          const hit = cancels.some(
            (cancel) =>
              (!cancel.timeoutMs || run.createdAt.getTime() + cancel.timeoutMs > Date.now()) &&
              (!cancel.if || cancel.if.evaluate({ event: run.event, async: event }) === true),
          );
          if (hit) {
            await tx.update(engineRuns).set({ status: "cancelled", endedAt: new Date() }).where(eq(engineRuns.id, run.id));
            await tx.delete(engineQueue).where(eq(engineQueue.runId, run.id));
          }
        }
      }

      for (const fn of this.functions.values()) {
        const triggered = fn.triggers.some(
          (trigger) => eventMatches(trigger.event, event.name) && (!trigger.expression || trigger.expression.evaluate({ event }) === true),
        );
        if (!triggered) continue;
        const priority = Math.max(-600, Math.min(600, Number(fn.priority?.evaluate({ event }) ?? 0) || 0));
        const orderAt = new Date(Date.now() - priority * 1000);
        const concurrency = fn.concurrency.map((limit) => {
          const key = limit.key ? String(limit.key.evaluate({ event })) : "";
          return { key: limit.scope === "fn" ? `fn:${fn.id}:${key}` : `${limit.scope}:${key || fn.id}`, limit: limit.limit };
        });
        const runId = crypto.randomUUID();
        await tx.insert(engineRuns).values({ id: runId, functionId: fn.id, event, concurrency, orderAt });
        await tx.insert(engineQueue).values({ runId, kind: "discover", orderAt });
      }
    });
  }

  // ---- the queue --------------------------------------------------------------------------

  /** Starts due items in queue order while global and per-group concurrency allow. */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        if (this.state !== "running" || !this.leadership.isLeader()) break;
        // One instant for both reads: an item that comes due between them is still woken for.
        const now = new Date();
        if (this.inFlight.size < this.settings.maxInFlight) {
          const due = await this.db
            .select({ item: engineQueue, concurrency: engineRuns.concurrency })
            .from(engineQueue)
            .innerJoin(engineRuns, eq(engineRuns.id, engineQueue.runId))
            .where(lte(engineQueue.availableAt, now))
            .orderBy(asc(engineQueue.orderAt), asc(engineQueue.id))
            .limit(500);
          for (const { item, concurrency } of due) {
            if (this.inFlight.size >= this.settings.maxInFlight) break;
            if (this.inFlight.has(item.id)) continue;
            const groups = item.kind === "sleep" ? [] : concurrency;
            if (groups.some((group) => (this.groupUse.get(group.key) ?? 0) >= group.limit)) continue;
            if ((this.heldUntil.get(item.id)?.until ?? 0) > Date.now()) continue;
            this.launch(item, groups);
          }
        }
        await this.scheduleWake(now);
      } while (this.pumpAgain);
    } catch (error) {
      if (this.state === "running") this.log.error("[engine] queue poll failed:", error);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Sets the wake-up for the earliest item that was not due at `now` (when the queue was read);
   * what was due then and could not start waits for a call to end.
   */
  private async scheduleWake(now: Date): Promise<void> {
    const [next] = await this.db
      .select({ at: min(engineQueue.availableAt) })
      .from(engineQueue)
      .where(gt(engineQueue.availableAt, now));
    clearTimeout(this.wakeTimer);
    if (!next?.at) return;
    const delay = Math.min(2 ** 31 - 1, Math.max(0, new Date(next.at).getTime() - Date.now() + 1));
    this.wakeTimer = setTimeout(() => void this.pump(), delay);
    this.wakeTimer.unref();
  }

  private launch(item: EngineQueueItem, groups: { key: string }[]): void {
    for (const group of groups) this.groupUse.set(group.key, (this.groupUse.get(group.key) ?? 0) + 1);
    const work = this.execute(item)
      .then(
        () => void this.heldUntil.delete(item.id),
        (error) => {
          if (this.state === "stopped") return;
          this.log.error(`[engine] item ${item.id} of run ${item.runId} failed:`, error);
          this.holdBack(item);
        },
      )
      .finally(() => {
        this.inFlight.delete(item.id);
        for (const group of groups) this.groupUse.set(group.key, (this.groupUse.get(group.key) ?? 1) - 1);
        void this.pump();
      });
    this.inFlight.set(item.id, work);
  }

  /**
   * An item whose call threw stays queued (its outcome was not recorded: a full disk, a lost
   * database connection); it is tried again after a wait that doubles up to 30 s, not at the
   * next pump, which would rerun its step several times a second.
   */
  private holdBack(item: EngineQueueItem): void {
    const failures = (this.heldUntil.get(item.id)?.failures ?? 0) + 1;
    const delay = Math.min(maxWaitingMs, this.settings.maxBackoffMs, this.settings.backoffMs * 2 ** (failures - 1));
    this.heldUntil.set(item.id, { until: Date.now() + delay, failures });
    setTimeout(() => void this.pump(), delay + 1).unref();
  }

  /**
   * A step that failed on a full disk waits for space instead of using an attempt: the same
   * attempt again after a wait that doubles up to 30 s, so the run goes on within a minute once
   * space returns (and is not failed while the disk is full, with nowhere to record it).
   */
  private diskFullRetry(item: EngineQueueItem, kind: Scheduled["kind"], stepId: string | null, error: unknown): Scheduled | undefined {
    if (!isDiskFull(error)) return undefined;
    const key = `${item.runId}:${stepId ?? ""}`;
    const failures = this.diskFull.get(key) ?? 0;
    this.diskFull.set(key, failures + 1);
    const delay = Math.min(maxWaitingMs, this.settings.maxBackoffMs, this.settings.backoffMs * 2 ** failures);
    this.log.warn(`[engine] run ${item.runId}: disk full, trying again in ${Math.round(delay / 1000)} s`);
    return { kind, stepId, attempt: item.attempt, availableAt: new Date(Date.now() + delay) };
  }

  // ---- one call to the SDK ----------------------------------------------------------------

  private async execute(item: EngineQueueItem): Promise<void> {
    // Through the item: a poll that read the queue just before this item was settled may
    // launch it again; finding it gone, the stale copy does nothing.
    const [found] = await this.db
      .select({ run: engineRuns })
      .from(engineQueue)
      .innerJoin(engineRuns, eq(engineRuns.id, engineQueue.runId))
      .where(eq(engineQueue.id, item.id));
    if (!found) return;
    const run = found.run;
    if (terminal.includes(run.status)) {
      await this.db.delete(engineQueue).where(eq(engineQueue.id, item.id));
      return;
    }
    const fn = this.functions.get(run.functionId);
    if (!fn) return this.settle(item, { fail: engineError(`Function ${run.functionId} is not served by ${this.settings.serveUrl}`) });
    if (item.kind === "sleep") return this.settle(item, { memo: [{ stepId: item.stepId!, result: { data: null } }] });

    if (run.status === "queued") {
      await this.db
        .update(engineRuns)
        .set({ status: "running", startedAt: new Date() })
        .where(and(eq(engineRuns.id, run.id), eq(engineRuns.status, "queued")));
    }
    // Another item of this run still queued or running: a step being run elsewhere, a sleep.
    // Counted before the memo is read: a sibling that settles in between is then either in the
    // count (so nothing runs inline) or, when the count is nought, there was none to settle.
    const [{ value: siblings }] = await this.db
      .select({ value: count() })
      .from(engineQueue)
      .where(and(eq(engineQueue.runId, run.id), ne(engineQueue.id, item.id)));
    const steps = await this.db
      .select({ stepId: engineSteps.stepId, result: engineSteps.result })
      .from(engineSteps)
      .where(eq(engineSteps.runId, run.id))
      .orderBy(asc(engineSteps.id));
    const target = item.kind === "step" ? item.stepId! : "step";
    const url = `${this.settings.serveUrl}?fnId=${encodeURIComponent(fn.id)}&stepId=${encodeURIComponent(target)}`;
    const body = {
      event: run.event,
      events: [run.event],
      steps: Object.fromEntries(steps.map((step) => [step.stepId, step.result])),
      version: -1,
      // No fn_id: that would switch the SDK to checkpointing against an API we do not serve (§8).
      ctx: {
        run_id: run.id,
        attempt: item.attempt,
        max_attempts: fn.maxAttempts,
        // A planned step is called with die=true so it runs only itself (§4). Discovery may run
        // a lone new step inline, but not while a sibling is outstanding: the SDK would take
        // that sibling (not in the memo yet) for the lone step and run it a second time.
        disable_immediate_execution: item.kind === "step" || Number(siblings) > 0,
        use_api: false,
        stack: { stack: steps.map((step) => step.stepId), current: steps.length },
      },
    };

    let response: SdkResponse;
    try {
      response = await callSdk("POST", url, body, this.settings.signingKey);
    } catch (error) {
      // The app did not answer (restarting, overloaded): try again later, without using an attempt.
      this.log.warn(`[engine] ${url} unreachable: ${(error as Error).message}`);
      return this.settle(item, { schedule: [{ ...this.again(item), attempt: item.attempt }] });
    }
    if (this.state === "stopped") return; // shut down meanwhile: the item reruns on restart
    return this.settle(item, this.interpret(item, fn, response));
  }

  /** Turns one SDK response into an outcome (notes/inngest-protocol.md §3, §5). */
  private interpret(item: EngineQueueItem, fn: FunctionSpec, response: SdkResponse): Outcome {
    if (!response.signed) {
      // Not the SDK holding our key (a 401 means it refused our signature): nothing to trust.
      const why = response.status === 401 ? "refused the engine's signature" : "answered without a valid signature";
      return { fail: engineError(`serve() ${why} (HTTP ${response.status}): ${response.text.slice(0, 300)}`) };
    }
    const noRetry = response.headers["x-inngest-no-retry"];
    if (response.status === 200) return { complete: { output: response.body } };
    if (response.status === 500 && noRetry === "false") {
      const waiting = this.diskFullRetry(item, item.kind, item.stepId, response.body);
      if (waiting) return { schedule: [waiting] };
      if (item.attempt + 1 >= fn.maxAttempts) return { fail: toSerializedError(response.body) };
      return { schedule: [this.again(item, retryAfterMs(response) ?? this.backoff(item.attempt))] };
    }
    if (response.status === 400 && noRetry === "true") {
      const waiting = this.diskFullRetry(item, item.kind, item.stepId, response.body);
      return waiting ? { schedule: [waiting] } : { fail: toSerializedError(response.body) };
    }
    if (response.status !== 206 || !Array.isArray(response.body)) {
      return { fail: engineError(`serve() answered HTTP ${response.status}: ${response.text.slice(0, 500)}`) };
    }

    const outcome: Required<Pick<Outcome, "memo" | "schedule">> & Outcome = { memo: [], schedule: [] };
    for (const op of response.body as Op[]) {
      switch (op.op) {
        case "StepRun":
          this.diskFull.delete(`${item.runId}:${op.id}`);
          outcome.memo.push({ stepId: op.id, result: { data: op.data ?? null } });
          break;
        case "StepFailed": {
          // The SDK calls a step's last attempt failed; on a full disk that attempt was not used.
          const waiting = this.diskFullRetry(item, op.id === completeStepId ? item.kind : "step", op.id === completeStepId ? item.stepId : op.id, op.error);
          if (waiting) {
            outcome.schedule.push(waiting);
            break;
          }
          if (op.id === completeStepId) return { fail: toSerializedError(op.error) };
          outcome.memo.push({ stepId: op.id, result: { error: op.error } });
          break;
        }
        case "StepError": {
          const attempt = item.attempt + 1;
          const waiting = this.diskFullRetry(item, op.id === completeStepId ? item.kind : "step", op.id === completeStepId ? item.stepId : op.id, op.error);
          if (waiting) {
            outcome.schedule.push(waiting);
          } else if (op.id === completeStepId) {
            if (attempt >= fn.maxAttempts) return { fail: toSerializedError(op.error) };
            outcome.schedule.push(this.again(item, retryAfterMs(response) ?? this.backoff(item.attempt)));
          } else if (attempt >= fn.maxAttempts) {
            outcome.memo.push({ stepId: op.id, result: { error: op.error } });
          } else {
            const delay = retryAfterMs(response) ?? this.backoff(item.attempt);
            outcome.schedule.push({ kind: "step", stepId: op.id, attempt, availableAt: new Date(Date.now() + delay) });
          }
          break;
        }
        case "StepPlanned":
          if (op.opts?.parallelMode === "race") return { fail: unsupported(op, "parallel race mode") };
          outcome.schedule.push({ kind: "step", stepId: op.id, attempt: 0, availableAt: new Date() });
          break;
        case "Sleep":
          try {
            outcome.schedule.push({ kind: "sleep", stepId: op.id, attempt: 0, availableAt: sleepUntil(op.name ?? "") });
          } catch (error) {
            return { fail: engineError((error as Error).message) };
          }
          break;
        case "RunComplete":
          return { ...outcome, complete: { output: op.data ?? null } };
        default:
          return { fail: unsupported(op) };
      }
    }
    return outcome;
  }

  /** The same item again: next attempt, after `delayMs`. */
  private again(item: EngineQueueItem, delayMs = this.backoff(item.attempt)): Scheduled {
    return { kind: item.kind, stepId: item.stepId, attempt: item.attempt + 1, availableAt: new Date(Date.now() + delayMs) };
  }

  private backoff(attempt: number): number {
    return Math.min(this.settings.maxBackoffMs, this.settings.backoffMs * 2 ** attempt);
  }

  /**
   * Records an outcome atomically: the run row is locked, so two sibling steps finishing at
   * once cannot both miss (or both add) the follow-up discovery; a run cancelled meanwhile
   * discards the result.
   */
  private async settle(item: EngineQueueItem, outcome: Outcome): Promise<void> {
    let failed: { run: EngineRun; error: SerializedError } | undefined;
    await this.db.transaction(async (tx) => {
      const [run] = await tx.select().from(engineRuns).where(eq(engineRuns.id, item.runId)).for("update");
      await tx.delete(engineQueue).where(eq(engineQueue.id, item.id));
      if (!run || terminal.includes(run.status)) return;

      if (outcome.memo?.length) {
        await tx
          .insert(engineSteps)
          .values(outcome.memo.map((memo) => ({ runId: run.id, stepId: memo.stepId, result: memo.result })))
          .onConflictDoNothing();
      }
      if (outcome.complete || outcome.fail) {
        await tx
          .update(engineRuns)
          .set(
            outcome.complete
              ? { status: "completed", output: outcome.complete.output ?? null, endedAt: new Date() }
              : { status: "failed", error: outcome.fail, endedAt: new Date() },
          )
          .where(eq(engineRuns.id, run.id));
        await tx.delete(engineQueue).where(eq(engineQueue.runId, run.id));
        if (outcome.fail) failed = { run, error: outcome.fail };
        return;
      }

      // Planned steps already queued, running or finished are not queued again: a discovery
      // that read the memo before a sibling finished still reports that sibling as planned.
      const queued = await tx.select({ stepId: engineQueue.stepId, kind: engineQueue.kind }).from(engineQueue).where(eq(engineQueue.runId, run.id));
      const memoized = await tx.select({ stepId: engineSteps.stepId }).from(engineSteps).where(eq(engineSteps.runId, run.id));
      const known = new Set([...queued, ...memoized].map((row) => row.stepId));
      const fresh = (outcome.schedule ?? []).filter((entry) => entry.kind === "discover" || !known.has(entry.stepId));
      // Something resolved (a step, a sleep): the function may go on past it even while other
      // steps run, so it is asked what comes next. A run left with nothing queued is asked too.
      const resolved = (outcome.memo?.length ?? 0) > 0;
      const discoveryPending = [...queued, ...fresh].some((entry) => entry.kind === "discover");
      if ((resolved || (!queued.length && !fresh.length)) && !discoveryPending) {
        fresh.push({ kind: "discover", stepId: null, attempt: 0, availableAt: new Date() });
      }
      if (fresh.length) {
        await tx.insert(engineQueue).values(fresh.map((entry) => ({ runId: run.id, ...entry, orderAt: run.orderAt })));
      }
    });
    if (outcome.complete || outcome.fail) {
      for (const key of this.diskFull.keys()) if (key.startsWith(`${item.runId}:`)) this.diskFull.delete(key);
    }
    if (failed && !failed.run.functionId.endsWith("-failure")) {
      // onFailure handlers are functions triggered by this event (protocol §5).
      await this.ingest(
        normalizeEvent({
          name: "inngest/function.failed",
          data: { function_id: failed.run.functionId, run_id: failed.run.id, error: failed.error, event: failed.run.event },
        }),
      );
    }
  }

  // ---- diagnostics ------------------------------------------------------------------------

  async counts(): Promise<{ queued: number; running: number }> {
    const rows = await this.db
      .select({ status: engineRuns.status, n: count() })
      .from(engineRuns)
      .where(inArray(engineRuns.status, active))
      .groupBy(engineRuns.status);
    const of = (status: RunStatus) => Number(rows.find((row) => row.status === status)?.n ?? 0);
    return { queued: of("queued"), running: of("running") };
  }

  async runStatus(runId: string): Promise<EngineRun | undefined> {
    const [run] = await this.db.select().from(engineRuns).where(eq(engineRuns.id, runId));
    return run;
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

function normalizeEvent(raw: unknown): EngineEvent {
  const event = (raw ?? {}) as Partial<EngineEvent>;
  if (typeof event.name !== "string" || !event.name) throw new Error("Every event needs a name");
  return {
    name: event.name,
    data: event.data && typeof event.data === "object" ? event.data : {},
    id: typeof event.id === "string" && event.id ? event.id : crypto.randomUUID(),
    ts: typeof event.ts === "number" ? event.ts : Date.now(),
    ...(event.v ? { v: event.v } : {}),
  };
}

function toSerializedError(value: unknown): SerializedError {
  const error = (value ?? {}) as Partial<SerializedError>;
  return {
    name: typeof error.name === "string" ? error.name : "Error",
    message: typeof error.message === "string" ? error.message : JSON.stringify(value),
    ...(typeof error.stack === "string" ? { stack: error.stack } : {}),
  };
}

function engineError(message: string): SerializedError {
  return { name: "LocalEngineError", message };
}

function unsupported(op: Op, what = `opcode "${op.op}"`): SerializedError {
  return engineError(
    `Unsupported by the local engine: ${what} (step "${op.name ?? op.id}"). It runs the subset of Inngest that Framewise ` +
      "uses; point INNGEST_BASE_URL at an Inngest server for the rest.",
  );
}

function retryAfterMs(response: SdkResponse): number | undefined {
  const header = response.headers["retry-after"];
  if (typeof header !== "string") return undefined;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
