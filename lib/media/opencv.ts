import { createRequire } from "node:module";

/**
 * @techstark/opencv-js (WebAssembly), loaded once per process, for every domain that uses it
 * (feature masks and keypoints, reframer masks). Once means once: the script picks up a global
 * `cv` left by an earlier evaluation and registers its bindings again, which aborts the process
 * ("Cannot register public name 'IntVector' twice"); Next may bundle this module into several
 * route chunks, so the promise lives on globalThis. Its module object is only
 * usable after the runtime initialises; it is also a thenable that never settles when awaited,
 * so readiness is taken from `onRuntimeInitialized` instead.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpenCv = any;

const shared = globalThis as { __framewiseOpenCv?: Promise<OpenCv> };

export function openCv(): Promise<OpenCv> {
  shared.__framewiseOpenCv ??= new Promise<OpenCv>((resolve) => {
    // Emscripten's Node shell installs process-wide handlers: `unhandledRejection` -> abort()
    // and an `uncaughtException` rethrow. In the web server any stray rejection would then kill
    // the process (seen in the e2e run), so the handlers it adds are taken off again.
    const events = ["unhandledRejection", "uncaughtException"] as const;
    const listeners = (event: (typeof events)[number]) => process.listeners(event as "unhandledRejection") as unknown[];
    const before = Object.fromEntries(events.map((event) => [event, new Set(listeners(event))]));
    const cv = createRequire(import.meta.url)("@techstark/opencv-js") as OpenCv;
    for (const event of events) {
      for (const listener of listeners(event)) if (!before[event].has(listener)) process.removeListener(event, listener as never);
    }
    const ready = () => {
      // Strip the thenable so that returning it from an async function does not hang.
      delete cv.then;
      resolve(cv);
    };
    if (cv.Mat) ready();
    else cv.onRuntimeInitialized = ready;
  });
  return shared.__framewiseOpenCv;
}
