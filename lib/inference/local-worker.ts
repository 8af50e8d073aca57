import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";
import { env } from "@/lib/env";
import { setLocalWorkerUrl } from "./worker-client";

/**
 * The embedded default: the inference worker as a child process on 127.0.0.1, restarted when
 * it dies (after a pause that grows while it keeps dying). Not used when WORKER_URLS is set.
 *
 * Node runs the worker itself, with tsx as an import loader (`node --import tsx`), not through
 * tsx's CLI: that is a wrapper process, and killing the pid held here left the real worker
 * (hundreds of MB, still listening) running beside its replacement. With `--exit-with-parent`
 * the worker also exits when this process dies, even by SIGKILL: its stdin is a pipe from
 * here, and the pipe closes with us.
 */
const root = path.resolve(import.meta.dirname ?? __dirname, "../..");
const tsxLoader = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;

export type LocalWorker = {
  stop: () => Promise<void>;
  /** The worker process's own pid (the one listening), while one runs. */
  pid: () => number | undefined;
};

/** `env`: settings for the worker beyond the app's (a test's allowed roots and concurrency). */
export function startLocalWorker(options: { env?: Record<string, string> } = {}): LocalWorker {
  const config = env();
  let child: ChildProcess | undefined;
  let stopped = false;
  let failures = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  const launch = () => {
    const startedAt = Date.now();
    child = spawn(process.execPath, ["--import", tsxLoader, path.join(root, "workers/inference/server.ts"), "--exit-with-parent"], {
      cwd: root,
      env: {
        ...process.env,
        WORKER_HOST: "127.0.0.1",
        WORKER_PORT: String(config.WORKER_PORT),
        WORKER_DEVICE: config.WORKER_DEVICE,
        DATA_DIR: config.dataDir,
        MODELS_DIR: config.modelsDir,
        ...(config.VIDEO_INPUT_DIR ? { VIDEO_INPUT_DIR: path.resolve(config.VIDEO_INPUT_DIR) } : {}),
        ...options.env,
      },
      // stdin: never written; the worker reads its end closing as this process's death.
      stdio: ["pipe", "pipe", "pipe"],
    });
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const message = JSON.parse(line);
        if (message.event === "listening") {
          setLocalWorkerUrl(`http://127.0.0.1:${message.port}`);
          console.log(`[framewise] worker listening on 127.0.0.1:${message.port}`);
          return;
        }
      } catch {
        // not one of the worker's JSON lines: pass it through
      }
      console.log(`[worker] ${line}`);
    });
    readline.createInterface({ input: child.stderr! }).on("line", (line) => console.error(`[worker] ${line}`));
    child.on("exit", (code, signal) => {
      setLocalWorkerUrl(undefined);
      if (stopped) return;
      failures = Date.now() - startedAt > 60_000 ? 1 : failures + 1;
      const delay = Math.min(30_000, 500 * 2 ** (failures - 1));
      console.error(`[framewise] worker exited (${signal ?? code}); restarting in ${delay} ms`);
      restartTimer = setTimeout(launch, delay);
    });
  };
  launch();

  return {
    pid: () => (child && child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    stop: async () => {
      stopped = true;
      clearTimeout(restartTimer);
      setLocalWorkerUrl(undefined);
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child?.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
