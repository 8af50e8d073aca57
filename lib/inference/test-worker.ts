import { startLocalWorker, type LocalWorker } from "./local-worker";
import { workerUrls } from "./worker-client";

/**
 * The real inference worker for a lib test, reached as the app reaches it: the local worker
 * process (with the test's settings: allowed roots, concurrency), returned once it listens and
 * worker-client sends to it. lib never imports workers/, tests included.
 */
export async function startTestWorker(env: Record<string, string>, timeoutMs = 120_000): Promise<LocalWorker> {
  const worker = startLocalWorker({ env: { WORKER_PORT: "0", ...env } });
  const deadline = Date.now() + timeoutMs;
  while (workerUrls().length === 0) {
    if (Date.now() > deadline) {
      await worker.stop();
      throw new Error(`the worker did not listen within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return worker;
}
