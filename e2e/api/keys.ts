import { expect, type APIRequestContext } from "@playwright/test";

/**
 * A fresh account's API key through the contract's own POST /register, for specs that act as
 * one or more API users. The address is unique per call, so specs never share an account.
 */
export async function registerKey(request: APIRequestContext, name: string): Promise<string> {
  const response = await request.post("/register", { data: { email: `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com` } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { api_key: string }).api_key;
}

/** The header a keyed call carries. */
export const withKey = (apiKey: string) => ({ "X-API-Key": apiKey });

/** POST /api/jobs/start on a server video with a key (contracts/cabin-events.md), the answer as it came. */
export function startServerAnalysis(request: APIRequestContext, apiKey: string, form: { tripId: string; videoName: string; options: unknown }) {
  return request.post("/api/jobs/start", { headers: withKey(apiKey), form: { tripId: form.tripId, videoName: form.videoName, options: JSON.stringify(form.options) } });
}

/** Polls the job's progress (every second by default) until done, failing on an error. */
export async function waitForAnalysis(request: APIRequestContext, apiKey: string, jobId: string, timeout: number, intervalMs = 1000): Promise<void> {
  await expect
    .poll(async () => {
      const progress = await (await request.get(`/api/jobs/${jobId}/progress`, { headers: withKey(apiKey) })).json();
      expect(progress.error).toBeNull();
      return progress.done;
    }, { timeout, intervals: [intervalMs] })
    .toBe(true);
}
