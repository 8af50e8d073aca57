import { desc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs, users } from "@/lib/db/schema";

/** The newest feature-extraction jobs, for the admins' review list. */
export async function listFeatureJobs(db: Db, limit = 50) {
  return db
    .select({ id: jobs.id, status: jobs.status, phase: jobs.phase, createdAt: jobs.createdAt, errorMessage: jobs.errorMessage, owner: users.email })
    .from(jobs)
    .leftJoin(users, eq(users.id, jobs.ownerId))
    .where(eq(jobs.kind, "extract_features"))
    .orderBy(desc(jobs.createdAt))
    .limit(limit);
}
