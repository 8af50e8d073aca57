import { sql } from "drizzle-orm";
import { integer, pgTable, uniqueIndex, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const userRoles = ["user", "admin"] as const;
export type UserRole = (typeof userRoles)[number];

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name"),
    /** scrypt hash; null for accounts made through `POST /register`, which sign in with a key. */
    passwordHash: text("password_hash"),
    role: text("role", { enum: userRoles }).notNull().default("user"),
    /** Set by an admin: the account can neither sign in nor use its keys while it is. */
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /**
     * Carried in each browser session's token; sign-out and disabling bump it, so every
     * token made before (a copied cookie too) stops opening pages at once.
     */
    sessionEpoch: integer("session_epoch").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex("users_email_key").using("btree", sql`lower(${table.email})`)],
);

export type User = typeof users.$inferSelect;
