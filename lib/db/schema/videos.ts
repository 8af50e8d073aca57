import { bigint, index, jsonb, pgTable, real, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

export const videoSources = ["upload", "server"] as const;

export const videos = pgTable(
  "videos",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Null for anonymous uploads, reachable only through their unguessable ids. */
    ownerId: uuid("owner_id").references(() => users.id, { onDelete: "set null" }),
    filename: text("filename").notNull(),
    /** Absolute path on the storage volume. */
    path: text("path").notNull(),
    source: text("source", { enum: videoSources }).notNull(),
    sha256: text("sha256"),
    sizeBytes: bigint("size_bytes", { mode: "number" }),
    durationSeconds: real("duration_seconds"),
    /** The probed media record (lib/media probe). */
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("videos_owner_idx").on(table.ownerId, table.createdAt)],
);

export type Video = typeof videos.$inferSelect;
