// `npm run backup [-- <file>]`: a consistent copy of the embedded database (PGlite in
// DATA_DIR/db), through the running server or, with none running, from the folder. Default
// file: DATA_DIR/backups/framewise-<time>.tar.gz. See README, "Backup and restore".
import path from "node:path";
import { backupDatabase } from "@/lib/db/backup";
import { env } from "@/lib/env";

if (env().DATABASE_URL) {
  console.error("DATABASE_URL is set: back up PostgreSQL with pg_dump; this backs up the embedded database only.");
  process.exit(1);
}
const target = process.argv[2] ?? path.join(env().dataDir, "backups", `framewise-${new Date().toISOString().replace(/[:.]/g, "-")}.tar.gz`);
try {
  const { bytes, through } = await backupDatabase(env().dataDir, target);
  console.log(`backup written to ${path.resolve(target)} (${bytes} bytes, ${through === "server" ? "from the running server" : "from the stopped database"})`);
} catch (error) {
  console.error(`backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
