-- The detector's embedding (CenterNet's pooled backbone feature, 480-d) and the joined
-- colour + detector embedding that search ranks by (736-d, HNSW), beside emb_rgb; and the
-- per-object masks of a frame. Same rule as 0003: pgvector where the extension exists,
-- real[] on a PostgreSQL without it (lib/features/vectors.ts).
ALTER TABLE "product_images" ADD COLUMN "emb_cnn_path" text;--> statement-breakpoint
ALTER TABLE "video_frames" ADD COLUMN "emb_cnn_path" text;--> statement-breakpoint
ALTER TABLE "video_frames" ADD COLUMN "objects" jsonb;--> statement-breakpoint
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
    ALTER TABLE "product_images" ADD COLUMN "emb_cnn" vector(480);
    ALTER TABLE "product_images" ADD COLUMN "emb_joint" vector(736);
    ALTER TABLE "video_frames" ADD COLUMN "emb_cnn" vector(480);
    ALTER TABLE "video_frames" ADD COLUMN "emb_joint" vector(736);
    CREATE INDEX "product_images_emb_joint_idx" ON "product_images" USING hnsw ("emb_joint" vector_cosine_ops);
    CREATE INDEX "video_frames_emb_joint_idx" ON "video_frames" USING hnsw ("emb_joint" vector_cosine_ops);
  ELSE
    ALTER TABLE "product_images" ADD COLUMN "emb_cnn" real[];
    ALTER TABLE "product_images" ADD COLUMN "emb_joint" real[];
    ALTER TABLE "video_frames" ADD COLUMN "emb_cnn" real[];
    ALTER TABLE "video_frames" ADD COLUMN "emb_joint" real[];
  END IF;
END $$;
