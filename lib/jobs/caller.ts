/**
 * Who is asking, and the one visibility rule (ARCHITECTURE.md, "Security model"). Route
 * handlers pass their RequestContext; pages and the WebSocket upgrade build a Caller from the
 * signed-in user; Inngest functions act for the job's owner (payload resolution) or as the system.
 */
export type Caller = {
  user: { id: string } | null;
  isAdmin: boolean;
  /**
   * Who an anonymous caller is for fair queueing (`ip:<client address>`): each caller's jobs
   * queue in their own concurrency group (inngest/functions/_job-function.ts).
   */
  queueKey?: string;
  /**
   * The anonymous jobs this browser proved it started (a signed cookie, lib/auth/browser-jobs.ts):
   * their creator may change them, where anyone else holding the id may only look.
   */
  createdJobIds?: readonly string[];
};

/** The concurrency group a caller's jobs run in: per user (and so per API key's owner), per address for anonymous callers. */
export function queueKeyOf(caller: Caller): string {
  return caller.user ? `user:${caller.user.id}` : (caller.queueKey ?? "system");
}

export const systemCaller: Caller = { user: null, isAdmin: true };

export const anonymousCaller: Caller = { user: null, isAdmin: false };

/** The Caller of a signed-in (or absent) user. */
export function callerFor(user: { id: string; role: string } | null | undefined): Caller {
  return user ? { user: { id: user.id }, isAdmin: user.role === "admin" } : anonymousCaller;
}

/**
 * May `caller` see this job, video, media file or live message? Its owner and admins may;
 * an anonymous thing (owner null) may be reached by anyone holding its unguessable id, so
 * callers use this only on something found by id, never to list. Everyone else is told
 * "not found", never "forbidden".
 */
export function canSee(caller: Caller, thing: { ownerId: string | null }): boolean {
  return caller.isAdmin || thing.ownerId === null || (caller.user !== null && thing.ownerId === caller.user.id);
}

/**
 * May `caller` change this job (cancel, run again, delete)? Its owning account and admins may;
 * an anonymous job only the browser that started it, by the ids its signed cookie proves.
 * Holding an anonymous job's id lets anyone look at it (`canSee`), never change it.
 */
export function canChange(caller: Caller, job: { id: string; ownerId: string | null }): boolean {
  if (caller.isAdmin) return true;
  if (job.ownerId !== null) return caller.user !== null && job.ownerId === caller.user.id;
  return caller.createdJobIds?.includes(job.id) ?? false;
}
