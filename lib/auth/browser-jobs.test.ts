import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import {
  BROWSER_JOBS_COOKIE,
  browserJobsFromCookieHeader,
  browserJobsSetCookie,
  MAX_BROWSER_JOBS,
  readBrowserJobs,
  signBrowserJobs,
  withBrowserJob,
  withoutBrowserJob,
} from "./browser-jobs";

beforeAll(() => {
  process.env.AUTH_SECRET = "a secret for the browser-jobs tests";
  resetEnvForTests();
});

describe("the browser's signed list of anonymous jobs", () => {
  it("proves the jobs it was given, newest first, and nothing once a character changes", () => {
    const [first, second] = [randomUUID(), randomUUID()];
    const value = withBrowserJob(withBrowserJob(undefined, first), second);
    expect(readBrowserJobs(value)).toEqual([second, first]);

    // A list written by the client, or a signed one with an id added, proves nothing.
    const stranger = randomUUID();
    const [version, ids, signature] = value.split(".");
    expect(readBrowserJobs(`${version}.${ids}~${stranger}.${signature}`)).toEqual([]);
    expect(readBrowserJobs(`${version}.${stranger}.${signature}`)).toEqual([]);
    expect(readBrowserJobs(`${version}.${stranger}.`)).toEqual([]);
    expect(readBrowserJobs(stranger)).toEqual([]);
    expect(readBrowserJobs("")).toEqual([]);
  });

  it("keeps only the latest MAX_BROWSER_JOBS, each once, and forgets a deleted one", () => {
    const ids = Array.from({ length: MAX_BROWSER_JOBS + 5 }, () => randomUUID());
    let value: string | undefined;
    for (const id of ids) value = withBrowserJob(value, id);
    value = withBrowserJob(value, ids.at(-1)!);
    const kept = readBrowserJobs(value);
    expect(kept).toEqual(ids.slice(-MAX_BROWSER_JOBS).reverse());
    expect(value!.length).toBeLessThan(1000);

    expect(readBrowserJobs(withoutBrowserJob(value, kept[3]))).toEqual(kept.filter((id) => id !== kept[3]));
    expect(readBrowserJobs(signBrowserJobs([]))).toEqual([]);
  });

  it("travels as an httpOnly, SameSite=Lax cookie, Secure over https, read back from a Cookie header", () => {
    const value = withBrowserJob(undefined, randomUUID());
    const header = browserJobsSetCookie(value, false);
    expect(header).toMatch(new RegExp(`^${BROWSER_JOBS_COOKIE.replace(".", "\\.")}=`));
    expect(header).toContain("HttpOnly");
    expect(header).toContain("SameSite=Lax");
    expect(header).not.toContain("Secure");
    expect(browserJobsSetCookie(value, true)).toContain("; Secure");
    expect(browserJobsFromCookieHeader(`other=1; ${BROWSER_JOBS_COOKIE}=${value}; authjs.session-token=x`)).toBe(value);
    expect(browserJobsFromCookieHeader(null)).toBeUndefined();
  });
});
