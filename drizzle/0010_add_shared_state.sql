CREATE TABLE "hub_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"envelope" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "upload_slots" (
	"id" text PRIMARY KEY NOT NULL,
	"subject" text NOT NULL,
	"held_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "hub_messages_created_idx" ON "hub_messages" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "upload_slots_subject_idx" ON "upload_slots" USING btree ("subject","held_until");