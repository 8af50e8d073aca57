import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { e2eVideoDir } from "../global-setup";
import { registerKey, startServerAnalysis, waitForAnalysis, withKey } from "./keys";

/**
 * server.ts answers the polling routes itself, through their own handlers, unless the request
 * carries a session cookie (lib/http/direct-routes.ts). A cookie that is no valid session sends
 * the same anonymous or keyed request through Next's router, so each answer is compared both
 * ways on real jobs of every kind: status, body and the headers a client reads.
 */
test.describe.configure({ mode: "serial" });

const throughNext = { cookie: "authjs.session-token=not-a-session" };
let owner = "";
let other = "";
const jobs = { analysis: "", features: "", reframe: "" };

test.beforeAll(async ({ request }) => {
  owner = await registerKey(request, "polling-owner");
  other = await registerKey(request, "polling-other");
  const analysis = await startServerAnalysis(request, owner, { tripId: "POLL", videoName: "pattern.mp4", options: { fps: 1 } });
  expect(analysis.status(), await analysis.text()).toBe(200);
  jobs.analysis = (await analysis.json()).job_id;
  const features = await request.post("/jobs/?job_type=extract_features", { data: { videos: [{ video_name: "pattern.mp4" }], fps: 1, features: ["embedding"] } });
  expect(features.status(), await features.text()).toBe(202);
  jobs.features = (await features.json()).id;
  const buffer = fs.readFileSync(path.join(e2eVideoDir, "pattern.mp4"));
  const reframe = await request.post("/process", { headers: withKey(owner), multipart: { file: { name: "pattern.mp4", mimeType: "video/mp4", buffer } } });
  expect(reframe.status(), await reframe.text()).toBe(200);
  jobs.reframe = (await reframe.json()).job_id;

  await waitForAnalysis(request, owner, jobs.analysis, 120_000);
  for (const [route, id, key] of [["/status", jobs.features, undefined], ["/job", jobs.reframe, owner]] as const) {
    await expect
      .poll(async () => (await (await request.get(`${route}/${id}`, { headers: key ? withKey(key) : {} })).json()).status, { timeout: 120_000, intervals: [1000] })
      .toBe("completed");
  }
});

async function bothWays(request: APIRequestContext, url: string, headers: Record<string, string> = {}) {
  const read = async (extra: Record<string, string>) => {
    const response = await request.get(url, { headers: { ...headers, ...extra } });
    const answer = { status: response.status(), type: response.headers()["content-type"], limit: response.headers()["x-ratelimit-limit"], body: await response.json() };
    return { answer, vary: response.headers()["vary"] };
  };
  const direct = await read({});
  const next = await read(throughNext);
  // Which way each went: Next's router names its own request headers in Vary.
  expect(direct.vary, url).toBe("Accept-Encoding");
  expect(next.vary, url).toContain("next-router-state-tree");
  return { direct: direct.answer, next: next.answer };
}

test("every polling route answers alike with and without Next's router", async ({ request }) => {
  // On their own paths, and under a contract's prefix (which Next rewrites away).
  const routes = (id: string) => [`/api/jobs/${id}/progress`, `/api/jobs/${id}`, `/jobs/${id}`, `/status/${id}`, `/job/${id}`, `/cabin/api/jobs/${id}/progress`, `/editor/jobs/${id}`, `/reframer/job/${id}`];
  const callers: Record<string, Record<string, string>> = { anonymous: {}, owner: withKey(owner), other: withKey(other) };
  const answered = new Set<number>();
  const compare = async (url: string, who: string, headers: Record<string, string>) => {
    const { direct, next } = await bothWays(request, url, headers);
    expect(direct, `${url} as ${who}`).toEqual(next);
    expect(direct.type, `${url} as ${who}`).toBe("application/json");
    answered.add(direct.status);
  };
  const unknown = "00000000-0000-4000-8000-000000000000";
  for (const id of [jobs.analysis, jobs.features, jobs.reframe, unknown]) {
    for (const url of routes(id)) {
      for (const [who, headers] of Object.entries(callers)) await compare(url, who, headers);
    }
  }
  // A wrong key, on one job's routes only: every try counts against this address's hourly
  // allowance of unknown keys (UNKNOWN_KEY_PER_HOUR), which other specs share.
  for (const url of routes(jobs.analysis).slice(0, 5)) await compare(url, "a wrong key", withKey("fw_not-a-key"));
  // The comparison covered answers and refusals alike.
  expect([...answered].sort()).toEqual([200, 401, 404]);
});

test("the owner's jobs read as theirs, and nobody else's, the direct way", async ({ request }) => {
  const summary = await request.get(`/api/jobs/${jobs.analysis}`, { headers: withKey(owner) });
  expect((await summary.json()).status).toBe("completed");
  expect((await request.get(`/api/jobs/${jobs.analysis}`, { headers: withKey(other) })).status()).toBe(404);
  expect((await (await request.get(`/api/jobs/${jobs.analysis}/progress`, { headers: withKey(other) })).json()).notFound).toBe(true);
  expect((await request.get(`/job/${jobs.reframe}`, { headers: withKey(other) })).status()).toBe(404);
  expect((await request.get(`/job/${jobs.reframe}`)).status()).toBe(401);
  const keyed = await request.get(`/job/${jobs.reframe}`, { headers: withKey(owner) });
  expect(keyed.headers()["x-ratelimit-limit"]).toBeTruthy();
});
