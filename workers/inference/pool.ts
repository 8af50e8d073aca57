import { Worker } from "node:worker_threads";
import type { Rgb } from "./tasks/image";
import type { ImageResult, Task, Thresholds } from "@/lib/inference/worker-protocol";
import type { ModelReport, ThreadConfig, ThreadRequest } from "./thread";

/**
 * A fixed set of inference threads, each holding its own sessions (created once at startup).
 * Work goes to the thread with the fewest images in flight; the caller bounds how many
 * frames are in flight overall.
 */
export type InferencePool = {
  size: number;
  /** Threads still running (a crashed thread fails its own work and is not replaced). */
  alive(): number;
  models: ModelReport[];
  cudaError?: string;
  analyze(image: Rgb, tasks: Task[], thresholds: Thresholds): Promise<ImageResult>;
  close(): Promise<void>;
};

type Pending = { resolve: (result: ImageResult) => void; reject: (error: Error) => void };
type Slot = { worker: Worker; pending: Map<number, Pending>; failed?: Error };

type Reply =
  | { ready: true; models: ModelReport[]; cudaError?: string }
  | { ready: false; error: string }
  | { id: number; result?: ImageResult; error?: string };

export async function startPool(size: number, config: ThreadConfig): Promise<InferencePool> {
  let nextId = 0;
  const slots: Slot[] = [];
  const ready: Promise<{ models: ModelReport[]; cudaError?: string }>[] = [];
  for (let i = 0; i < size; i++) {
    const worker = new Worker(new URL("./thread-entry.mjs", import.meta.url), { workerData: config });
    const slot: Slot = { worker, pending: new Map() };
    slots.push(slot);
    ready.push(
      new Promise((resolve, reject) => {
        worker.on("message", (reply: Reply) => {
          if ("ready" in reply) {
            if (reply.ready) resolve(reply);
            else reject(new Error(reply.error));
            return;
          }
          const pending = slot.pending.get(reply.id);
          slot.pending.delete(reply.id);
          if (reply.error !== undefined) pending?.reject(new Error(reply.error));
          else pending?.resolve(reply.result!);
        });
        // A dead thread fails its own work loudly; the others keep serving.
        const fail = (error: Error) => {
          slot.failed = error;
          for (const pending of slot.pending.values()) pending.reject(error);
          slot.pending.clear();
          reject(error);
        };
        worker.on("error", fail);
        worker.on("exit", (code) => fail(new Error(`inference thread exited with code ${code}`)));
      }),
    );
  }
  let first: { models: ModelReport[]; cudaError?: string };
  try {
    [first] = await Promise.all(ready);
  } catch (error) {
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    throw error;
  }

  return {
    size,
    alive: () => slots.filter((slot) => !slot.failed).length,
    models: first.models,
    cudaError: first.cudaError,
    analyze(image, tasks, thresholds) {
      const live = slots.filter((slot) => !slot.failed);
      if (live.length === 0) return Promise.reject(new Error("no inference thread is running"));
      const slot = live.reduce((best, candidate) => (candidate.pending.size < best.pending.size ? candidate : best));
      const id = nextId++;
      // Hand the pixels over without copying when the frame owns its whole buffer.
      const data = image.data.byteOffset === 0 && image.data.byteLength === image.data.buffer.byteLength ? image.data : Uint8Array.from(image.data);
      const request: ThreadRequest = { id, image: { width: image.width, height: image.height, data }, tasks, thresholds };
      return new Promise<ImageResult>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.postMessage(request, [data.buffer as ArrayBuffer]);
      });
    },
    /**
     * Lets the frames in flight finish, then asks each thread to release its sessions and end.
     * Only a thread that does not end within 10 s is terminated.
     */
    async close() {
      for (const slot of slots) slot.worker.removeAllListeners("exit");
      const deadline = Date.now() + 10_000;
      while (slots.some((slot) => !slot.failed && slot.pending.size > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await Promise.all(
        slots.map(async (slot) => {
          if (slot.failed) return slot.worker.terminate();
          const exited = new Promise<void>((resolve) => slot.worker.once("exit", () => resolve()));
          slot.worker.postMessage({ close: true });
          const timer = setTimeout(() => void slot.worker.terminate(), Math.max(0, deadline - Date.now()));
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}
