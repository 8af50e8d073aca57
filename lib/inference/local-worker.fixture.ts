import { startLocalWorker } from "./local-worker";
import { workerUrls } from "./worker-client";

/**
 * Child process of local-worker.test.ts, standing in for server.ts: starts the local worker
 * and prints `{"pid":…,"url":…}` each time a (new) worker listens. It runs until killed.
 */
const worker = startLocalWorker();
let last = "";
setInterval(() => {
  const url = workerUrls()[0];
  const pid = worker.pid();
  const line = url && pid ? JSON.stringify({ pid, url }) : "";
  if (line && line !== last) {
    last = line;
    process.stdout.write(`${line}\n`);
  }
}, 100);
