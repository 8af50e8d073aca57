import { defineConfig } from "drizzle-kit";

// One migration path for PGlite and PostgreSQL: generated SQL in drizzle/, applied at start.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema/index.ts",
  out: "./drizzle",
});
