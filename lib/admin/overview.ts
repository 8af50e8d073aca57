import { count, desc } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { apiKeys, jobs, users } from "@/lib/db/schema";

/** What an admin sees first: every account and the latest jobs of everyone. */
export async function adminOverview(db: Db) {
  const [accounts, recentJobs, [{ keys }]] = await Promise.all([
    db.select({ id: users.id, email: users.email, role: users.role, createdAt: users.createdAt }).from(users).orderBy(desc(users.createdAt)).limit(200),
    db
      .select({ id: jobs.id, kind: jobs.kind, status: jobs.status, processed: jobs.processed, total: jobs.total, createdAt: jobs.createdAt, errorMessage: jobs.errorMessage })
      .from(jobs)
      .orderBy(desc(jobs.createdAt))
      .limit(50),
    db.select({ keys: count() }).from(apiKeys),
  ]);
  return { accounts, recentJobs, keyCount: Number(keys) };
}
