import { createRequire } from "node:module";

/**
 * @techstark/opencv-js (WebAssembly), loaded once per process. Its module object is only
 * usable after the runtime initialises; it is also a thenable that never settles when awaited,
 * so readiness is taken from `onRuntimeInitialized` instead.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OpenCv = any;

let loading: Promise<OpenCv> | undefined;

export function openCv(): Promise<OpenCv> {
  loading ??= new Promise<OpenCv>((resolve) => {
    const cv = createRequire(import.meta.url)("@techstark/opencv-js") as OpenCv;
    const ready = () => {
      // Strip the thenable so that returning it from an async function does not hang.
      delete cv.then;
      resolve(cv);
    };
    if (cv.Mat) ready();
    else cv.onRuntimeInitialized = ready;
  });
  return loading;
}
