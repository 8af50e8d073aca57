CREATE TABLE "engine_events" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"event" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "engine_queue" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"kind" text NOT NULL,
	"step_id" text,
	"attempt" integer DEFAULT 0 NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"order_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "engine_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"function_id" text NOT NULL,
	"event" jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"concurrency" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"order_at" timestamp with time zone NOT NULL,
	"output" jsonb,
	"error" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "engine_steps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"step_id" text NOT NULL,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "engine_queue" ADD CONSTRAINT "engine_queue_run_id_engine_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."engine_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "engine_steps" ADD CONSTRAINT "engine_steps_run_id_engine_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."engine_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "engine_events_received_idx" ON "engine_events" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "engine_queue_order_idx" ON "engine_queue" USING btree ("available_at","order_at","id");--> statement-breakpoint
CREATE INDEX "engine_queue_run_idx" ON "engine_queue" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "engine_runs_status_idx" ON "engine_runs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "engine_runs_function_idx" ON "engine_runs" USING btree ("function_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "engine_steps_run_step_key" ON "engine_steps" USING btree ("run_id","step_id");