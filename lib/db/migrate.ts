// `npm run db:migrate`: applies drizzle/ to DATABASE_URL, or to PGlite in DATA_DIR/db.
import { closeDatabase, database } from "./client";

const handle = await database();
console.log(`migrations applied (${handle.driver})`);
await closeDatabase();
