CREATE TABLE "analysis_frames" (
	"job_id" uuid NOT NULL,
	"frame_index" integer NOT NULL,
	"timestamp" real NOT NULL,
	"embedding" jsonb,
	"extras" jsonb,
	CONSTRAINT "analysis_frames_job_id_frame_index_pk" PRIMARY KEY("job_id","frame_index")
);
--> statement-breakpoint
CREATE TABLE "detections" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job_id" uuid NOT NULL,
	"frame_index" integer NOT NULL,
	"ordinal" integer NOT NULL,
	"timestamp" real NOT NULL,
	"label" text NOT NULL,
	"confidence" real NOT NULL,
	"x" integer NOT NULL,
	"y" integer NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"track_id" integer
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_id" uuid NOT NULL,
	"ordinal" integer NOT NULL,
	"label" text NOT NULL,
	"start_time" real NOT NULL,
	"end_time" real NOT NULL,
	"track_ids" jsonb NOT NULL,
	"confidence" real NOT NULL,
	"best_frame_index" integer NOT NULL,
	"best_timestamp" real NOT NULL,
	"boxes" jsonb NOT NULL,
	"snapshot" text,
	"snapshot_annotated" text,
	"clip" text,
	"clip_start" real,
	"clip_end" real,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tracks" (
	"job_id" uuid NOT NULL,
	"track_id" integer NOT NULL,
	"label" text NOT NULL,
	"start_frame" integer NOT NULL,
	"end_frame" integer NOT NULL,
	"start_time" real NOT NULL,
	"end_time" real NOT NULL,
	"frames" integer NOT NULL,
	"avg_confidence" real NOT NULL,
	CONSTRAINT "tracks_job_id_track_id_pk" PRIMARY KEY("job_id","track_id")
);
--> statement-breakpoint
ALTER TABLE "analysis_frames" ADD CONSTRAINT "analysis_frames_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "detections" ADD CONSTRAINT "detections_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracks" ADD CONSTRAINT "tracks_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "detections_position_key" ON "detections" USING btree ("job_id","frame_index","ordinal");--> statement-breakpoint
CREATE INDEX "detections_track_idx" ON "detections" USING btree ("job_id","track_id");--> statement-breakpoint
CREATE UNIQUE INDEX "events_position_key" ON "events" USING btree ("job_id","ordinal");--> statement-breakpoint
CREATE INDEX "events_job_idx" ON "events" USING btree ("job_id","start_time");