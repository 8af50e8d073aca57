import { createHmac, timingSafeEqual } from "node:crypto";
import { isUuid } from "@/lib/ids";
import { authSecret } from "./secret";

/**
 * A signed-out browser's proof of the anonymous jobs it started. Anyone holding an anonymous
 * job's id may look at it (lib/jobs/caller.ts `canSee`), but only the browser that started it
 * may delete it, run it again or cancel it (`canChange`), and only that browser lists it.
 *
 * The proof is an httpOnly cookie holding the job ids, newest first, signed with the auth
 * secret: the page's scripts cannot read it, and a list of ids the client writes itself fails
 * the signature, so knowing a job's id is never enough to change it. The cookie holds the last
 * MAX_BROWSER_JOBS jobs; an older one stays reachable by its link but leaves this browser's list.
 */
export const BROWSER_JOBS_COOKIE = "framewise.browser-jobs";

/** About 20 × 37 characters of ids plus the signature: well under a browser's 4 KB per cookie. */
export const MAX_BROWSER_JOBS = 20;

/** A year: the list should outlive a browser restart, as the jobs do. */
const MAX_AGE_SECONDS = 365 * 24 * 3600;

const VERSION = "v1";

function signatureOf(ids: string): string {
  return createHmac("sha256", authSecret()).update(`${BROWSER_JOBS_COOKIE}:${VERSION}:${ids}`).digest("base64url");
}

/**
 * The job ids a cookie value proves, newest first; none for a missing, malformed or forged
 * value (a bad signature is not an error to report: the browser simply proves nothing).
 */
export function readBrowserJobs(value: string | undefined | null): string[] {
  if (!value) return [];
  const [version, ids, signature] = value.split(".");
  if (version !== VERSION || ids === undefined || !signature) return [];
  const expected = Buffer.from(signatureOf(ids));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return [];
  return ids.split("~").filter(isUuid).slice(0, MAX_BROWSER_JOBS);
}

/** The signed cookie value for these ids (newest first, duplicates and the oldest past the bound dropped). */
export function signBrowserJobs(ids: readonly string[]): string {
  const kept = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))].slice(0, MAX_BROWSER_JOBS);
  const joined = kept.join("~");
  return `${VERSION}.${joined}.${signatureOf(joined)}`;
}

/** The value after this browser started `jobId`: it goes first, the oldest beyond the bound go. */
export function withBrowserJob(value: string | undefined | null, jobId: string): string {
  return signBrowserJobs([jobId, ...readBrowserJobs(value)]);
}

/** The value once `jobId` is deleted: a deleted job leaves the list (its id would find nothing). */
export function withoutBrowserJob(value: string | undefined | null, jobId: string): string {
  return signBrowserJobs(readBrowserJobs(value).filter((id) => id !== jobId.toLowerCase()));
}

/**
 * The cookie's attributes, shared by the route handlers (a Set-Cookie header) and the server
 * actions (Next's cookie store): httpOnly so scripts cannot read it, SameSite=Lax so another
 * site's page cannot send it along with a form, Secure when the app is served over https.
 */
export function browserJobsCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: "lax" as const, secure, path: "/", maxAge: MAX_AGE_SECONDS };
}

/** A Set-Cookie header carrying `value`, for a route handler's Response. */
export function browserJobsSetCookie(value: string, secure: boolean): string {
  const options = browserJobsCookieOptions(secure);
  return [`${BROWSER_JOBS_COOKIE}=${value}`, `Path=${options.path}`, `Max-Age=${options.maxAge}`, "HttpOnly", "SameSite=Lax", ...(secure ? ["Secure"] : [])].join("; ");
}

/** The cookie's value in a Cookie request header, if it has one. */
export function browserJobsFromCookieHeader(header: string | null): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === BROWSER_JOBS_COOKIE) return rest.join("=");
  }
  return undefined;
}
