import { and, desc, eq, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs, type Job, type JobKind, type JobStatus } from "@/lib/db/schema";
import type { Caller } from "./caller";

/**
 * Which jobs a caller may list: every job for an admin (no condition), their own for a user,
 * none for an anonymous caller (null). Anonymous jobs are reached by id, never listed.
 */
export function listableJobs(caller: Caller): SQL | undefined | null {
  if (caller.isAdmin) return undefined;
  return caller.user ? eq(jobs.ownerId, caller.user.id) : null;
}

/** Newest first. Admins see every job, users their own; anonymous callers list nothing. */
export async function listJobs(
  db: Db,
  caller: Caller,
  filter: { kind?: JobKind; status?: JobStatus; clientId?: string; limit?: number; offset?: number } = {},
): Promise<Job[]> {
  const scope = listableJobs(caller);
  if (scope === null) return [];
  const conditions: SQL[] = scope ? [scope] : [];
  if (filter.kind) conditions.push(eq(jobs.kind, filter.kind));
  if (filter.status) conditions.push(eq(jobs.status, filter.status));
  if (filter.clientId) conditions.push(eq(jobs.clientId, filter.clientId));
  return db
    .select()
    .from(jobs)
    .where(and(...conditions))
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(Math.min(filter.limit ?? 50, 500))
    .offset(filter.offset ?? 0);
}
