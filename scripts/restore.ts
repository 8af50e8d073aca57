// `npm run restore -- <file>`: replaces the embedded database (DATA_DIR/db) with a backup made
// by `npm run backup`. Stop the server first; the replaced folder is kept beside it.
import { restoreDatabase } from "@/lib/db/backup";
import { env } from "@/lib/env";

const source = process.argv[2];
if (!source) {
  console.error("usage: npm run restore -- <backup.tar.gz>");
  process.exit(1);
}
try {
  const { keptAt } = await restoreDatabase(env().dataDir, source);
  console.log(`restored ${source} into ${env().dataDir}/db${keptAt ? `; the previous database is kept at ${keptAt}` : ""}`);
} catch (error) {
  console.error(`restore failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
