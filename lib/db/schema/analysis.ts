import { bigserial, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { jobs } from "./jobs";
import { users } from "./users";

/**
 * What `analyze-video` finds. Every row is keyed by job and position so that a retried step
 * rewrites its own rows instead of adding more (upserts, never blind inserts).
 */

/** Each sampled frame, with or without detections: tracking needs the empty ones too. */
export const analysisFrames = pgTable(
  "analysis_frames",
  {
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    frameIndex: integer("frame_index").notNull(),
    timestamp: real("timestamp").notNull(),
    /** Pooled backbone feature (480 values, L2-normalised) when the job asked for embeddings. */
    embedding: jsonb("embedding").$type<number[]>(),
    /** Task outputs other than boxes (pose, masks, faces, text), as the worker returned them. */
    extras: jsonb("extras").$type<Record<string, unknown>>(),
  },
  (table) => [primaryKey({ columns: [table.jobId, table.frameIndex] })],
);

export const detections = pgTable(
  "detections",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    frameIndex: integer("frame_index").notNull(),
    /** Position of the detection within its frame, as the worker returned it. */
    ordinal: integer("ordinal").notNull(),
    timestamp: real("timestamp").notNull(),
    label: text("label").notNull(),
    confidence: real("confidence").notNull(),
    x: integer("x").notNull(),
    y: integer("y").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    trackId: integer("track_id"),
    /** The worker's colour signature of the box (torso and legs), for re-identification; null from older workers. */
    appearance: real("appearance").array(),
  },
  (table) => [
    uniqueIndex("detections_position_key").on(table.jobId, table.frameIndex, table.ordinal),
    index("detections_track_idx").on(table.jobId, table.trackId),
  ],
);

export const tracks = pgTable(
  "tracks",
  {
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    trackId: integer("track_id").notNull(),
    label: text("label").notNull(),
    startFrame: integer("start_frame").notNull(),
    endFrame: integer("end_frame").notNull(),
    startTime: real("start_time").notNull(),
    endTime: real("end_time").notNull(),
    frames: integer("frames").notNull(),
    avgConfidence: real("avg_confidence").notNull(),
  },
  (table) => [primaryKey({ columns: [table.jobId, table.trackId] })],
);

export const events = pgTable(
  "events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    /** Order of the event in its job (by start time), the idempotency key of its row. */
    ordinal: integer("ordinal").notNull(),
    label: text("label").notNull(),
    startTime: real("start_time").notNull(),
    endTime: real("end_time").notNull(),
    trackIds: jsonb("track_ids").$type<number[]>().notNull(),
    confidence: real("confidence").notNull(),
    bestFrameIndex: integer("best_frame_index").notNull(),
    bestTimestamp: real("best_timestamp").notNull(),
    /** Boxes drawn on the annotated snapshot. */
    boxes: jsonb("boxes").$type<{ label: string; score: number; box: { x: number; y: number; width: number; height: number }; trackId: number | null }[]>().notNull(),
    /** File names inside the job's media folder; null until the media step made them. */
    snapshot: text("snapshot"),
    snapshotAnnotated: text("snapshot_annotated"),
    clip: text("clip"),
    clipStart: real("clip_start"),
    clipEnd: real("clip_end"),
    /** The zone an event concerns (zone entered, zone left, loitering); null for the others. */
    zone: text("zone"),
    /**
     * A person's verdict on the event (lib/analysis/review-event.ts): `confirmed` or
     * `false_positive`, null while unreviewed. Kept across a re-run of the events step only
     * while the row keeps its label and start time (lib/analysis/find-events.ts).
     */
    reviewVerdict: text("review_verdict").$type<ReviewVerdict>(),
    reviewNote: text("review_note"),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    /** Who gave the verdict: the job's owner or an admin. */
    reviewedBy: uuid("reviewed_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex("events_position_key").on(table.jobId, table.ordinal), index("events_job_idx").on(table.jobId, table.startTime)],
);

export const reviewVerdicts = ["confirmed", "false_positive"] as const;
export type ReviewVerdict = (typeof reviewVerdicts)[number];

export type AnalysisEvent = typeof events.$inferSelect;
