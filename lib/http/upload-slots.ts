import { randomUUID } from "node:crypto";
import { eq, lt, sql } from "drizzle-orm";
import { db as database, selectRows, type Db } from "@/lib/db/client";
import { rateLimits, uploadSlots } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientAddress } from "./client-address";

/**
 * Uploads in flight per caller (an API key, a user, or an anonymous client address), capped
 * at MAX_CONCURRENT_UPLOADS (contracts/reframer.md "Rate Limiting"). The slots are rows in the
 * database, so web replicas on one PostgreSQL share the cap. A slot is leased: its replica
 * renews it while the upload runs, and a replica that dies mid-upload frees its slots when
 * the lease runs out (leaseMs) instead of holding them for ever.
 */
const leaseMs = 60_000;
const renewEveryMs = 20_000;

export async function withUploadSlot<T>(subject: string, work: () => Promise<T>, handle?: Db): Promise<T> {
  const db = handle ?? (await database());
  const slot = await takeUploadSlot(db, subject, env().MAX_CONCURRENT_UPLOADS);
  if (!slot) {
    throw new AppError("rate_limited", `Too many concurrent uploads (limit ${env().MAX_CONCURRENT_UPLOADS})`, { headers: { "Retry-After": "5" } });
  }
  const renew = setInterval(() => {
    void db
      .update(uploadSlots)
      .set({ heldUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
      .where(eq(uploadSlots.id, slot))
      .catch(() => undefined); // the next renewal tries again; past the lease the slot just stops counting
  }, renewEveryMs);
  renew.unref();
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await db
      .delete(uploadSlots)
      .where(eq(uploadSlots.id, slot))
      .catch((error: unknown) => console.error("[uploads] freeing a slot failed (it lapses on its own):", error));
  }
}

/**
 * Takes one of `limit` slots for `subject`, or answers null when all are held. The transaction
 * first takes a lock on the subject (an advisory lock: two replicas taking the last slot at once
 * queue here), then counts in a second statement, which under READ COMMITTED sees every slot
 * committed before the lock was granted.
 */
export async function takeUploadSlot(db: Db, subject: string, limit: number): Promise<string | null> {
  const id = randomUUID();
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`upload:${subject}`}))`);
    const taken = await selectRows<{ id: string }>(
      tx,
      sql`insert into upload_slots (id, subject, held_until)
          select ${id}, ${subject}, now() + ${`${leaseMs} milliseconds`}::interval
          where (select count(*) from upload_slots where subject = ${subject} and held_until > now()) < ${limit}
          returning id`,
    );
    return taken[0]?.id ?? null;
  });
}

/** Anonymous callers are told apart by address: one of them cannot use up everyone's slots. */
export function uploadSubject(ctx: { apiKeyId: string | null; user: { id: string } | null }, request: Pick<Request, "headers">): string {
  return ctx.apiKeyId ? `key:${ctx.apiKeyId}` : ctx.user ? `user:${ctx.user.id}` : `ip:${clientAddress(request)}`;
}

/**
 * Deletes what no longer counts: lapsed upload slots and rate-limit windows over (the current
 * hour's and the one before stay: the keys page reads the current one). server.ts runs it now
 * and again; any replica may, the deletes do not conflict.
 */
export async function sweepSharedState(db: Db, now = Date.now()): Promise<{ slots: number; windows: number }> {
  const slots = await db.delete(uploadSlots).where(lt(uploadSlots.heldUntil, new Date(now))).returning({ id: uploadSlots.id });
  const windows = await db
    .delete(rateLimits)
    .where(lt(rateLimits.windowStart, new Date(now - 2 * 60 * 60 * 1000)))
    .returning({ subject: rateLimits.subject });
  return { slots: slots.length, windows: windows.length };
}
