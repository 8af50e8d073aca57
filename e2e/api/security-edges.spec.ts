import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signUp } from "../ui/helpers";

/**
 * Edges a hostile or careless client reaches on a fresh server (issue 10, items 2, 3, 11 and
 * 12): each answered with a 4xx in the contracts' `{"detail": ...}` shape, never a 500.
 */

const cacheDir = path.resolve(".cache/e2e-uploads");

test("a JSON body over its 1 MB cap is a 413, not a parse error", async ({ request }) => {
  const response = await request.post("/jobs/?job_type=ingest", {
    headers: { "content-type": "application/json" },
    data: JSON.stringify({ blob: "x".repeat(2 * 1024 * 1024) }),
  });
  expect(response.status()).toBe(413);
  expect(await response.json()).toEqual({ detail: "Request body exceeds 1MB limit" });
});

test("a 10000x10000 video is refused with a 400 naming the resolution cap", async ({ request }) => {
  fs.mkdirSync(cacheDir, { recursive: true });
  const huge = path.join(cacheDir, "huge-10000x10000.mov");
  if (!fs.existsSync(huge)) {
    // Two grey frames at 1 fps: small on disk (MJPEG), 150 MB per decoded frame.
    execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:s=10000x10000:r=1:d=2", "-c:v", "mjpeg", "-q:v", "10", "-pix_fmt", "yuvj420p", huge]);
  }
  const response = await request.post("/api/jobs", {
    multipart: { tripId: "TRIP-HUGE", cvvrFile: { name: "huge.mov", mimeType: "video/quicktime", buffer: fs.readFileSync(huge) } },
  });
  expect(response.status()).toBe(400);
  expect(await response.json()).toEqual({ detail: "Video resolution 10000x10000 exceeds the maximum 7680x4320 (by area)" });
});

test("a priority out of range is a 400", async ({ request }) => {
  const response = await request.post("/jobs/?job_type=ingest&priority=99999999999", { data: {} });
  expect(response.status()).toBe(400);
  expect((await response.json()).detail).toMatch(/^Query parameter 'priority': /);
});

test("JSON nested 100 000 deep is a 400", async ({ request }) => {
  const deep = `{"config":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
  const response = await request.post("/jobs/?job_type=ingest", { headers: { "content-type": "application/json" }, data: deep });
  expect(response.status()).toBe(400);
  expect(await response.json()).toEqual({ detail: "Request body is nested too deeply (maximum depth 64)" });
});

test("an unknown path is FastAPI's JSON 404 for every method, a 2 MB multipart POST included", async ({ request }) => {
  const notFound = { detail: "Not Found" };
  for (const target of ["/no/such/path", "/api/nope", "/cabin/api/nope", "/jobs/x/y/z"]) {
    const get = await request.get(target);
    expect(get.status(), target).toBe(404);
    expect(get.headers()["content-type"]).toContain("application/json");
    expect(await get.json()).toEqual(notFound);
  }
  const big = await request.post("/no/such/path", {
    multipart: { field: "x", file: { name: "blob.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(2 * 1024 * 1024, 1) } },
  });
  expect(big.status()).toBe(404);
  expect(await big.json()).toEqual(notFound);
  const form = await request.post("/no/such/path", { form: { a: "1" }, headers: { Accept: "text/html" } });
  expect(form.status()).toBe(404);
  expect(await form.json()).toEqual(notFound);
  const remove = await request.delete("/no/such/path");
  expect(remove.status()).toBe(404);
  expect(await remove.json()).toEqual(notFound);
});

test("a wrong method on a known path is a JSON 405", async ({ request }) => {
  for (const [method, target] of [["DELETE", "/api/jobs"], ["PUT", "/health"], ["GET", "/jobs/"]] as const) {
    const response = await request.fetch(target, { method });
    expect(response.status(), `${method} ${target}`).toBe(405);
    expect(await response.json()).toEqual({ detail: "Method Not Allowed" });
  }
});

test("known paths keep answering: pages, the contracts under their prefixes, the engine and auth routes", async ({ request }) => {
  const home = await request.get("/", { headers: { Accept: "text/html" } });
  expect(home.status()).toBe(200);
  expect(await home.text()).toContain("See what is in your videos.");
  expect((await request.get("/health")).status()).toBe(200);
  expect((await request.get("/reframer/health")).status()).toBe(200);
  expect((await request.get("/cabin/api/jobs/server-videos")).status()).toBe(200);
  expect((await request.get("/api/auth/providers")).status()).toBe(200);
  expect((await request.get("/api/inngest")).status()).not.toBe(404);
});

test("a browser gets the styled 404 page in the app's layout", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  const card = page.getByTestId("not-found");
  await expect(card).toBeVisible();
  await expect(card.getByRole("heading", { name: "Page not found" })).toBeVisible();
  // The root layout's navigation is there, and the stylesheet applied (a rounded card, not bare HTML).
  await expect(page.getByRole("link", { name: "Framewise" })).toBeVisible();
  expect(await card.evaluate((element) => getComputedStyle(element).borderTopLeftRadius)).not.toBe("0px");
  await card.getByRole("link", { name: "Home" }).click();
  await expect(page.getByRole("heading", { name: "See what is in your videos." })).toBeVisible();
});

/** One raw HTTP/1.1 exchange, for request lines that no client library writes; the answer's head and body. */
async function rawRequest(baseURL: string, head: string, host?: string): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(baseURL);
  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(`${head}\r\nHost: ${host ?? `${hostname}:${port}`}\r\nConnection: close\r\n\r\n`));
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    socket.on("end", () => resolve(received));
    socket.on("error", reject);
  });
  const [headers, ...body] = text.split("\r\n\r\n");
  return { status: Number(headers.split(" ")[1]), headers: headers.toLowerCase(), body: body.join("\r\n\r\n") };
}

test("an absolute-form request line is refused, never redirected to the host it names (issue 24, item 15)", async ({ baseURL }) => {
  for (const target of ["http://evil.example/health", "http://evil.example/keys", "https://evil.example/"]) {
    const answer = await rawRequest(baseURL!, `GET ${target} HTTP/1.1`);
    expect(answer.status, target).toBe(400);
    expect(answer.headers, target).not.toContain("evil.example");
    expect(JSON.parse(answer.body), target).toEqual({ detail: "Request target must be a path" });
  }
});

test("a Host header that is no host is a 400 in {detail}, where Next answered pages and routes 500", async ({ baseURL }) => {
  for (const host of ["bad host", "[::1", "a:b:c"]) {
    for (const target of ["/", "/docs", "/health", "/api/jobs/00000000-0000-4000-8000-000000000000"]) {
      const answer = await rawRequest(baseURL!, `GET ${target} HTTP/1.1`, host);
      expect(answer.status, `${target} with Host ${host}`).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ detail: "Invalid Host header" });
    }
  }
});

test("other spellings of /api/inngest do not reach the engine's handler (issue 24, item 15)", async ({ request, baseURL }) => {
  for (const target of ["/cabin/api/inngest", "/editor/api/inngest", "/api/%69nngest"]) {
    for (const method of ["GET", "POST", "PUT"] as const) {
      const response = await request.fetch(target, { method, data: method === "GET" ? undefined : {} });
      expect(response.status(), `${method} ${target}`).toBe(404);
      expect(await response.json()).toEqual({ detail: "Not Found" });
    }
  }
  const doubled = await rawRequest(baseURL!, "GET //api/inngest HTTP/1.1");
  expect(doubled.status).toBe(404);
});

test("a forged X-Forwarded-Host does not reach absolute URLs, and JSON answers are not cached (issue 24, item 9)", async ({ request }) => {
  fs.mkdirSync(cacheDir, { recursive: true });
  const tiny = path.join(cacheDir, "small-320x240.mp4");
  if (!fs.existsSync(tiny)) {
    execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=s=320x240:r=5:d=1", "-pix_fmt", "yuv420p", tiny]);
  }
  const response = await request.post("/api/jobs", {
    headers: { "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https" },
    multipart: { tripId: "TRIP-HOST", cvvrFile: { name: "tiny.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(tiny) } },
  });
  expect(response.status(), await response.text()).toBe(200);
  const created = await response.json();
  expect(created.status_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/jobs\//);
  expect(JSON.stringify(created)).not.toContain("evil.example");
  expect(response.headers()["cache-control"]).toBe("no-store");
  expect((await request.get("/health")).headers()["cache-control"]).toBe("no-store");
});

/** CSP violations the page reports from now on (the browser's own event, console wording aside). */
async function cspViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
  });
  await page.exposeFunction("reportCspViolation", (text: string) => seen.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) =>
      (window as unknown as { reportCspViolation(text: string): void }).reportCspViolation(`${location.pathname}: ${event.violatedDirective} ${event.blockedURI} from ${event.sourceFile}:${event.lineNumber}`),
    );
  });
  return seen;
}

test("pages send a CSP refusing framing, nosniff and a Referrer-Policy; /docs and the analysis viewer run under it (issue 24, item 14)", async ({ page, request }) => {
  test.setTimeout(240_000);
  const home = await request.get("/", { headers: { Accept: "text/html" } });
  expect(home.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(home.headers()["x-content-type-options"]).toBe("nosniff");
  expect(home.headers()["referrer-policy"]).toBeTruthy();
  expect(home.headers()["strict-transport-security"]).toBeUndefined(); // plain http, no trusted proxy

  const violations = await cspViolations(page);
  await page.goto("/docs");
  // Swagger UI rendered the document's operations from /openapi.json.
  await expect(page.getByTestId("api-reference").locator(".opblock").first()).toBeVisible({ timeout: 30_000 });

  await signUp(page, `csp-${Date.now()}@example.com`, "a long enough password");
  fs.mkdirSync(cacheDir, { recursive: true });
  const tiny = path.join(cacheDir, "small-320x240.mp4");
  if (!fs.existsSync(tiny)) execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=s=320x240:r=5:d=1", "-pix_fmt", "yuv420p", tiny]);
  const started = await page.request.post("/api/jobs", {
    multipart: { tripId: "TRIP-CSP", cvvrFile: { name: "tiny.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(tiny) } },
  });
  expect(started.status(), await started.text()).toBe(200);
  await page.goto(`/analyses/${(await started.json()).job_id}`);
  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 180_000 });
  await page.reload();
  await expect(page.getByTestId("job-status")).toHaveText("completed");
  await page.waitForLoadState("networkidle");
  expect(violations).toEqual([]);
});

test("a cross-origin server-action call is a 403 and a malformed Flight body a 400, not 500s (issue 24, item 11)", async ({ request, baseURL }) => {
  // A real action id, from the build this server runs.
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, { exportedName?: string }> };
  const signOut = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === "signOutAction")?.[0];
  expect(signOut).toBeTruthy();
  const call = (body: string, headers: Record<string, string>) =>
    request.post("/", { headers: { "Next-Action": signOut!, Accept: "text/x-component", "Content-Type": "text/plain;charset=UTF-8", ...headers }, data: body, maxRedirects: 0 });

  const crossOrigin = await call("[]", { Origin: "http://evil.example" });
  expect(crossOrigin.status()).toBe(403);
  expect(await crossOrigin.json()).toEqual({ detail: "Cross-origin server action refused" });

  for (const [body, type] of [["{not flight", "text/plain;charset=UTF-8"], ["--x\r\nContent-Disposition: form-data; name=\"0\"\r\n\r\n{", "multipart/form-data; boundary=x"]]) {
    const malformed = await call(body, { Origin: baseURL!, "Content-Type": type });
    expect(malformed.status(), body).toBe(400);
    expect(await malformed.json()).toEqual({ detail: "Malformed server action request" });
  }

  // The well-formed call still reaches Next (signing out nobody ends in a redirect or a Flight answer).
  const wellFormed = await call("[]", { Origin: baseURL! });
  expect([200, 303]).toContain(wellFormed.status());
});

test("a scripted sign-in past the attempt limit is a 429 saying when to retry, not a redirect (issue 24)", async ({ playwright, baseURL }) => {
  const email = `scripted-${Date.now()}@example.com`;
  const browserLike = await playwright.request.newContext({ baseURL });
  // No such account: the limit counts wrong passwords per email all the same, so nothing tells the two apart.
  const attempt = async (password: string) => {
    const { csrfToken } = await (await browserLike.get("/api/auth/csrf")).json();
    return browserLike.post("/api/auth/callback/credentials", { form: { email, password, csrfToken, callbackUrl: "/keys" }, maxRedirects: 0 });
  };
  // SIGN_IN_FAILURES_PER_HOUR is 10 (the default) per account.
  for (let i = 0; i < 10; i++) expect((await attempt(`wrong ${i}`)).status()).toBe(302);
  const refused = await attempt("wrong again");
  expect(refused.status()).toBe(429);
  expect((await refused.json()).detail).toMatch(/^Too many failed sign-ins; try again in \d+ minutes?$/);
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(0);
  await browserLike.dispose();
});

test("valid JSON that is no reply the action takes is a 400, where Next's decoder or the action answered 500 (issue 24)", async ({ request, baseURL }) => {
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, { exportedName?: string }> };
  const idOf = (name: string) => Object.entries(manifest.node).find(([, entry]) => entry.exportedName === name)![0];
  const call = (action: string, body: string) =>
    request.post("/", { headers: { "Next-Action": idOf(action), Origin: baseURL!, Accept: "text/x-component", "Content-Type": "text/plain;charset=UTF-8" }, data: body, maxRedirects: 0 });
  const shapes: [string, string][] = [
    ["signOutAction", "1"], // no argument list
    ["signOutAction", "null"],
    ["signOutAction", '["$1"]'], // a part that is not there
    ["signOutAction", '["$Q1"]'],
    ["signOutAction", '["$0:a:b"]'],
    ["signOutAction", '["$nabc"]'], // no BigInt
    ["signOutAction", '["$S"]'],
    ["signOutAction", `${"[".repeat(5000)}${"]".repeat(5000)}`],
    ["signInAction", "[]"], // a form action without its FormData
    ["signInAction", '["x","y"]'],
    ["cancelJobAction", '[{"toString":1}]'], // an object where the action reads text
    ["cancelJobAction", '["$T"]'],
  ];
  for (const [action, body] of shapes) {
    const response = await call(action, body);
    expect(response.status(), `${action} ${body.slice(0, 30)}`).toBe(400);
    expect(await response.json()).toEqual({ detail: "Malformed server action request" });
  }
  // The shapes the app's own forms and buttons send still reach the actions.
  const job = await call("cancelJobAction", '["00000000-0000-4000-8000-000000000000"]');
  expect(job.status()).toBe(200);
  expect(await job.text()).toContain("not found");
});

test("NUL bytes and lone surrogates are a 400 with a detail on every kind of input, never a 500 from the database (issue 24, item 6)", async ({ request }) => {
  // In a path they name nothing: 404, as any unknown name.
  const path = await request.get("/features/video-frames/%00");
  expect(path.status()).toBe(404);
  expect(await path.json()).toEqual({ detail: "Not Found" });
  const cases = [
    await request.get("/api/jobs/server-videos?search=a%00b"),
    await request.post("/api/jobs/start", { form: { tripId: "\u0000", videoName: "x.mp4" } }),
    await request.post("/api/jobs", { multipart: { tripId: "a\u0000b" } }),
    await request.post("/jobs/?job_type=generate_clip", { headers: { "content-type": "application/json" }, data: '{"video_name":"v.mp4","prompt":"p\\u0000q"}' }),
    await request.post("/jobs/?job_type=generate_clip", { headers: { "content-type": "application/json" }, data: '{"video_name":"\\ud800.mp4","prompt":"p"}' }),
  ];
  for (const response of cases) {
    expect(response.status(), response.url()).toBe(400);
    expect((await response.json()).detail, response.url()).toMatch(/must not contain NUL bytes or unpaired surrogates$/);
  }
});
