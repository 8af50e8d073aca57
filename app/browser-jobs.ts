import { cookies, headers } from "next/headers";
import { BROWSER_JOBS_COOKIE, browserJobsCookieOptions, readBrowserJobs, withBrowserJob, withoutBrowserJob } from "@/lib/auth/browser-jobs";
import { baseUrlOf } from "@/lib/http/base-url";
import { callerFor, type Caller } from "@/lib/jobs";

/**
 * The "this browser" cookie (lib/auth/browser-jobs.ts) as pages and server actions read and
 * write it through Next's cookie store. The routes that start an analysis set it themselves
 * (lib/http/browser-jobs-cookie.ts).
 */

/** The anonymous jobs this browser proves it started, newest first. */
export async function browserJobIds(): Promise<string[]> {
  return readBrowserJobs((await cookies()).get(BROWSER_JOBS_COOKIE)?.value);
}

/**
 * The Caller of a page or action: the signed-in user (or nobody) together with the anonymous
 * jobs this browser started, so that the creator of an anonymous job may change it after
 * signing in as well as before.
 */
export async function browserCaller(user: { id: string; role: string } | null | undefined): Promise<Caller> {
  return { ...callerFor(user), createdJobIds: await browserJobIds() };
}

/** Adds a job this browser just started anonymously (a re-run) to its list; server actions only. */
export async function rememberBrowserJob(jobId: string): Promise<void> {
  const store = await cookies();
  store.set(BROWSER_JOBS_COOKIE, withBrowserJob(store.get(BROWSER_JOBS_COOKIE)?.value, jobId), await cookieOptions());
}

/** Takes a deleted job off this browser's list; server actions only. */
export async function forgetBrowserJob(jobId: string): Promise<void> {
  const store = await cookies();
  const value = store.get(BROWSER_JOBS_COOKIE)?.value;
  if (!value) return;
  store.set(BROWSER_JOBS_COOKIE, withoutBrowserJob(value, jobId), await cookieOptions());
}

/** Secure when the app is reached over https (PUBLIC_URL, or a trusted proxy's X-Forwarded-Proto). */
async function cookieOptions() {
  const requestHeaders = await headers();
  const request = new Request(`http://${requestHeaders.get("host") ?? "localhost"}/`, { headers: requestHeaders });
  return browserJobsCookieOptions(baseUrlOf(request).startsWith("https:"));
}
