import { bigserial, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * State that every web replica must see alike (README "Running at scale"): kept in the
 * database rather than in one process's memory.
 */

/**
 * One upload in flight (lib/http/upload-slots.ts). A slot is held until `heldUntil`, which its
 * replica pushes forward while the upload lasts: a replica killed mid-upload leaves rows that
 * stop counting once that time passes, and the sweep deletes them.
 */
export const uploadSlots = pgTable(
  "upload_slots",
  {
    id: text("id").primaryKey(),
    /** `key:<id>`, `user:<id>` or `ip:<address>` (uploadSubject). */
    subject: text("subject").notNull(),
    heldUntil: timestamp("held_until", { withTimezone: true }).notNull(),
  },
  (table) => [index("upload_slots_subject_idx").on(table.subject, table.heldUntil)],
);

/**
 * Live-update messages too large for a PostgreSQL NOTIFY payload (8000 bytes): the notification
 * carries the row's id and each replica reads the message here (lib/ws/bus.ts). Rows are
 * deleted after a few minutes.
 */
export const hubMessages = pgTable(
  "hub_messages",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    envelope: text("envelope").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("hub_messages_created_idx").on(table.createdAt)],
);
