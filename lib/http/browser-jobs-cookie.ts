import { browserJobsFromCookieHeader, browserJobsSetCookie, withBrowserJob } from "@/lib/auth/browser-jobs";
import { baseUrlOf } from "./base-url";

/**
 * A route that starts a job answers a signed-out browser with its updated "this browser" cookie
 * (lib/auth/browser-jobs.ts): the job goes first in the list the browser proves it started, so
 * that it alone may delete it or run it again. A job with an owner belongs to that account and
 * is not added. A script calling the contract without a key gets the same header and may ignore it.
 */
export function rememberAnonymousJob(request: Request, response: Response, job: { id: string; ownerId: string | null }): Response {
  if (job.ownerId !== null) return response;
  const value = withBrowserJob(browserJobsFromCookieHeader(request.headers.get("cookie")), job.id);
  response.headers.append("Set-Cookie", browserJobsSetCookie(value, baseUrlOf(request).startsWith("https:")));
  return response;
}
