/**
 * onnxruntime-node for every worker, with Microsoft's telemetry off. Since 1.30 the Linux build
 * starts the 1DS telemetry SDK with a process's first session: it is made to upload usage
 * events, and it leaves an empty `mat-debug-<pid>.log` in the temp folder of every process that
 * ran a model (30 in /tmp after an afternoon of jobs). ORT_DISABLE_TELEMETRY=1, read when that
 * first session is created, turns it off; it is set here, in the process rather than by its
 * launcher, so every way a model runs (the web server's worker, a GPU host, the VAD and upscale
 * children, vitest, scripts) gets it. ORT_DISABLE_TELEMETRY=0 in the environment opts back in.
 *
 * A worker thread's process.env is its own copy and never reaches the native library: a thread
 * is covered by its parent having imported this module before starting it (server.ts does).
 */
process.env.ORT_DISABLE_TELEMETRY ??= "1";

export * from "onnxruntime-node";
