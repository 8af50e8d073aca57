/**
 * The first requests to a fresh server pay for what nothing has run yet: Next instantiating a
 * route's bundle, V8 compiling the code under it, the database planning its statements. A job's
 * poller and its first answers would pay it; here the server pays it in the background, right
 * after it listens, through the same routes a job's client calls (reads of an id that names no
 * job: nothing is written, and the answers are thrown away).
 */
const nil = "00000000-0000-4000-8000-000000000000";
const paths = ["/health", `/api/jobs/${nil}/progress`, `/api/jobs/${nil}`, `/jobs/${nil}`, `/status/${nil}`, `/job/${nil}`];

export async function warmUpRoutes(baseUrl: string): Promise<{ paths: number; ms: number }> {
  const started = performance.now();
  // One after another: in parallel they would only queue on the same event loop.
  for (const path of paths) {
    await fetch(`${baseUrl}${path}`, { headers: { accept: "application/json" } }).then((response) => response.arrayBuffer(), () => undefined);
  }
  return { paths: paths.length, ms: performance.now() - started };
}
