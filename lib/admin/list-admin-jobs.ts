import { and, count, desc, eq, gte, ilike, isNull, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { containsPattern } from "@/lib/db/like";
import { jobs, jobStatuses, users } from "@/lib/db/schema";
import { jobKinds } from "@/lib/job-kinds";

export const ADMIN_JOBS_PAGE_SIZE = 20;

export const adminJobSorts = ["created", "kind", "status", "owner", "duration"] as const;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * The admin console's job query as it arrives in the URL (searchParams): every field optional,
 * anything unreadable dropped rather than refused, so a hand-edited link still shows a list.
 * `owner` is part of an email, or `anonymous` for jobs nobody owns; `from`/`to` are UTC days,
 * both included.
 */
export const adminJobQuerySchema = z.object({
  kind: z.enum(jobKinds).optional().catch(undefined),
  status: z.enum(jobStatuses).optional().catch(undefined),
  owner: z.string().trim().max(254).optional().catch(undefined),
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
  sort: z.enum(adminJobSorts).default("created").catch("created"),
  dir: z.enum(["asc", "desc"]).default("desc").catch("desc"),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});
export type AdminJobQuery = z.output<typeof adminJobQuerySchema>;

/** One value of each searchParam (Next gives arrays for repeated ones). */
export function parseAdminJobQuery(params: Record<string, string | string[] | undefined>): AdminJobQuery {
  const single = Object.fromEntries(Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
  return adminJobQuerySchema.parse(single);
}

export type AdminJobRow = {
  id: string;
  kind: string;
  status: string;
  processed: number;
  total: number;
  ownerEmail: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  errorMessage: string | null;
};

/**
 * Jobs of every kind and owner for the admin console, filtered, sorted and paged in the
 * database (one page of rows and a count, never the whole table). Callers check that the
 * caller is an admin; this lists everything.
 */
export async function listAdminJobs(db: Db, query: AdminJobQuery): Promise<{ rows: AdminJobRow[]; total: number; page: number; pages: number }> {
  const conditions: SQL[] = [];
  if (query.kind) conditions.push(eq(jobs.kind, query.kind));
  if (query.status) conditions.push(eq(jobs.status, query.status));
  if (query.owner === "anonymous") conditions.push(isNull(jobs.ownerId));
  else if (query.owner) conditions.push(ilike(users.email, containsPattern(query.owner)));
  if (query.from) conditions.push(gte(jobs.createdAt, new Date(`${query.from}T00:00:00Z`)));
  if (query.to) conditions.push(lt(jobs.createdAt, new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000)));
  const where = and(...conditions);

  const duration = sql`coalesce(${jobs.completedAt}, now()) - coalesce(${jobs.startedAt}, ${jobs.createdAt})`;
  const column = { created: jobs.createdAt, kind: jobs.kind, status: jobs.status, owner: users.email, duration }[query.sort];
  // Anonymous owners (and jobs not started) go last either way.
  const order = sql`${column} ${sql.raw(query.dir === "asc" ? "asc" : "desc")} nulls last`;

  const [[{ value: total }], rows] = await Promise.all([
    db.select({ value: count() }).from(jobs).leftJoin(users, eq(users.id, jobs.ownerId)).where(where),
    db
      .select({
        id: jobs.id,
        kind: jobs.kind,
        status: jobs.status,
        processed: jobs.processed,
        total: jobs.total,
        ownerEmail: users.email,
        createdAt: jobs.createdAt,
        startedAt: jobs.startedAt,
        completedAt: jobs.completedAt,
        errorMessage: jobs.errorMessage,
      })
      .from(jobs)
      .leftJoin(users, eq(users.id, jobs.ownerId))
      .where(where)
      .orderBy(order, desc(jobs.id))
      .limit(ADMIN_JOBS_PAGE_SIZE)
      .offset((query.page - 1) * ADMIN_JOBS_PAGE_SIZE),
  ]);
  const pages = Math.max(1, Math.ceil(Number(total) / ADMIN_JOBS_PAGE_SIZE));
  return { rows, total: Number(total), page: query.page, pages };
}
