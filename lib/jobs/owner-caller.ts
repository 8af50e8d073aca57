import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { anonymousCaller, callerFor, type Caller } from "./caller";

/**
 * The caller a job's run acts for: its owner (an admin owner keeps seeing everything), or an
 * anonymous caller for an anonymous job. Job functions resolve payload sources as this caller,
 * so a run can reach no more than the request that created it.
 */
export async function ownerCaller(db: Db, ownerId: string | null): Promise<Caller> {
  if (!ownerId) return anonymousCaller;
  const [owner] = await db.select({ id: users.id, role: users.role }).from(users).where(eq(users.id, ownerId)).limit(1);
  // An owner that is gone leaves the job anonymous (owner_id is set null on delete).
  return owner ? callerFor(owner) : anonymousCaller;
}
