import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * State of the local orchestration engine (inngest/engine). With Inngest Cloud or a
 * self-hosted `inngest start`, these tables stay empty: the Inngest server keeps its own.
 */

export const engineRunStatuses = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type EngineRunStatus = (typeof engineRunStatuses)[number];

/** Every event the engine accepted; the primary key makes a repeated event id a no-op. */
export const engineEvents = pgTable(
  "engine_events",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** The event exactly as functions receive it: { name, data, id, ts, v? }. */
    event: jsonb("event").$type<Record<string, unknown>>().notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("engine_events_received_idx").on(table.receivedAt)],
);

/** One function run: its trigger, where it stands, and the flow-control keys fixed at start. */
export const engineRuns = pgTable(
  "engine_runs",
  {
    id: text("id").primaryKey(),
    functionId: text("function_id").notNull(),
    event: jsonb("event").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: engineRunStatuses }).notNull().default("queued"),
    /** Concurrency groups this run's steps count against, e.g. [{ key: "fn:app-f:u1", limit: 2 }]. */
    concurrency: jsonb("concurrency").$type<{ key: string; limit: number }[]>().notNull().default([]),
    /** Queue position: enqueue time minus the `priority.run` seconds. Every item of the run uses it. */
    orderAt: timestamp("order_at", { withTimezone: true }).notNull(),
    output: jsonb("output"),
    error: jsonb("error").$type<{ name: string; message: string; stack?: string }>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (table) => [
    index("engine_runs_status_idx").on(table.status),
    index("engine_runs_function_idx").on(table.functionId, table.status),
  ],
);

/** Memoized step results, `{ data }` or `{ error }`, in completion order (`id`). */
export const engineSteps = pgTable(
  "engine_steps",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: text("run_id")
      .notNull()
      .references(() => engineRuns.id, { onDelete: "cascade" }),
    stepId: text("step_id").notNull(),
    result: jsonb("result").$type<{ data?: unknown; error?: unknown }>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex("engine_steps_run_step_key").on(table.runId, table.stepId)],
);

export const engineQueueKinds = ["discover", "step", "sleep"] as const;
export type EngineQueueKind = (typeof engineQueueKinds)[number];

/**
 * Work that is due or waiting: a discovery call, one planned step, or a sleep that ends at
 * `availableAt`. An item is deleted in the same transaction that records its outcome, so
 * a restart finds exactly the unfinished work.
 */
export const engineQueue = pgTable(
  "engine_queue",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: text("run_id")
      .notNull()
      .references(() => engineRuns.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: engineQueueKinds }).notNull(),
    stepId: text("step_id"),
    attempt: integer("attempt").notNull().default(0),
    availableAt: timestamp("available_at", { withTimezone: true }).notNull().defaultNow(),
    orderAt: timestamp("order_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    index("engine_queue_order_idx").on(table.availableAt, table.orderAt, table.id),
    index("engine_queue_run_idx").on(table.runId),
  ],
);

export type EngineRun = typeof engineRuns.$inferSelect;
export type EngineQueueItem = typeof engineQueue.$inferSelect;
