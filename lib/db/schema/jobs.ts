import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { JobKind } from "@/lib/job-kinds";
import { users } from "./users";
import { videos } from "./videos";

/** What a job does: one of the kinds lib/job-kinds.ts collects (a type only: the schema imports no domain). */
export type { JobKind };

export const jobStatuses = ["pending", "queued", "in_progress", "completed", "failed", "cancelled"] as const;
export type JobStatus = (typeof jobStatuses)[number];

export const jobs = pgTable(
  "jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind").$type<JobKind>().notNull(),
    status: text("status", { enum: jobStatuses }).notNull().default("pending"),
    phase: text("phase"),
    processed: integer("processed").notNull().default(0),
    total: integer("total").notNull().default(0),
    currentStep: text("current_step"),
    priority: integer("priority").notNull().default(0),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    resultPayload: jsonb("result_payload").$type<Record<string, unknown>>(),
    errorMessage: text("error_message"),
    ownerId: uuid("owner_id").references(() => users.id, { onDelete: "set null" }),
    videoId: uuid("video_id").references(() => videos.id, { onDelete: "set null" }),
    tripId: text("trip_id"),
    clientId: text("client_id"),
    clipVersionId: text("clip_version_id"),
    /** The orchestration run that carries this job (local engine or Inngest). */
    runId: text("run_id"),
    /** Whose turn this job waits for: the caller's concurrency group (lib/jobs/caller.ts queueKeyOf). */
    queueKey: text("queue_key"),
    /** When its run was started, where jobs are admitted one per caller (lib/jobs/admission.ts); null while it waits. */
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (table) => [
    index("jobs_owner_idx").on(table.ownerId, table.createdAt),
    index("jobs_status_idx").on(table.status),
    index("jobs_client_idx").on(table.clientId),
    index("jobs_queue_idx").on(table.queueKey, table.status),
    /**
     * Full-text search of transcripts (lib/search/search-words.ts): picks the transcribe jobs
     * whose words match before each segment is matched. The expression and the predicate must
     * stay exactly as that query writes them.
     */
    index("jobs_transcript_search_idx")
      .using("gin", sql`to_tsvector('english', coalesce(${table.resultPayload}->'transcript'->>'text', ''))`)
      .where(sql`${table.kind} = 'transcribe'`),
  ],
);

export const jobLogs = pgTable(
  "job_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    level: text("level", { enum: ["info", "warn", "error"] }).notNull().default("info"),
    message: text("message").notNull(),
  },
  (table) => [index("job_logs_job_idx").on(table.jobId, table.id)],
);

export type Job = typeof jobs.$inferSelect;
export type JobLog = typeof jobLogs.$inferSelect;
