-- Custom step (drizzle-kit emits no CREATE EXTENSION): pgvector where the server has it.
-- PGlite loads it (lib/db/client.ts); a PostgreSQL without pgvector gets emb_rgb as real[]
-- below and feature search ranks in JavaScript (lib/features/vectors.ts).
DO $$ BEGIN
  CREATE EXTENSION IF NOT EXISTS vector;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pgvector is not installed: emb_rgb is real[] and search ranks outside the database';
END $$;
--> statement-breakpoint
CREATE TABLE "feature_videos" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_id" uuid NOT NULL,
	"video_id" text NOT NULL,
	"position" integer NOT NULL,
	"platform" text NOT NULL,
	"url" text,
	"title" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"error" text,
	"local_path" text,
	"duration_s" double precision,
	"frames_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "product_images" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_id" uuid NOT NULL,
	"product_id" text NOT NULL,
	"img_id" text NOT NULL,
	"source" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"error" text,
	"local_path" text,
	"width" integer,
	"height" integer,
	"seg_mask_path" text,
	"emb_path" text,
	"kp_blob_path" text,
	"kp_count" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_id" uuid NOT NULL,
	"product_id" text NOT NULL,
	"title" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "video_frames" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_id" uuid NOT NULL,
	"video_id" text NOT NULL,
	"frame_id" text NOT NULL,
	"ts" real NOT NULL,
	"is_cut" boolean DEFAULT false NOT NULL,
	"local_path" text NOT NULL,
	"seg_mask_path" text,
	"emb_path" text,
	"kp_blob_path" text,
	"kp_count" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "feature_videos" ADD CONSTRAINT "feature_videos_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_images" ADD CONSTRAINT "product_images_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "video_frames" ADD CONSTRAINT "video_frames_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "feature_videos_video_idx" ON "feature_videos" USING btree ("video_id");--> statement-breakpoint
CREATE UNIQUE INDEX "feature_videos_job_position_idx" ON "feature_videos" USING btree ("job_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "product_images_job_img_idx" ON "product_images" USING btree ("job_id","img_id");--> statement-breakpoint
CREATE INDEX "product_images_img_idx" ON "product_images" USING btree ("img_id");--> statement-breakpoint
CREATE UNIQUE INDEX "products_job_product_idx" ON "products" USING btree ("job_id","product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "video_frames_frame_idx" ON "video_frames" USING btree ("frame_id");--> statement-breakpoint
CREATE INDEX "video_frames_job_video_idx" ON "video_frames" USING btree ("job_id","video_id","ts");--> statement-breakpoint
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
    ALTER TABLE "product_images" ADD COLUMN "emb_rgb" vector(256);
    ALTER TABLE "video_frames" ADD COLUMN "emb_rgb" vector(256);
    CREATE INDEX "product_images_emb_idx" ON "product_images" USING hnsw ("emb_rgb" vector_cosine_ops);
    CREATE INDEX "video_frames_emb_idx" ON "video_frames" USING hnsw ("emb_rgb" vector_cosine_ops);
  ELSE
    ALTER TABLE "product_images" ADD COLUMN "emb_rgb" real[];
    ALTER TABLE "video_frames" ADD COLUMN "emb_rgb" real[];
  END IF;
END $$;
