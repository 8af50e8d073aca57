/**
 * A typed client for contracts/reframer.md. The contract's JavaScript example runs as written:
 *
 *   const client = new VideoReframer("vr_xxxx");
 *   const job = await client.process(videoFile);
 *   const results = await job.wait();
 *   console.log(results.detections);
 *
 * `videoFile` is a Blob/File (browser), or a path (Node: the file is streamed from disk).
 * Requests that answer 429 are retried after Retry-After (or with exponential backoff), and 5xx
 * and network errors with backoff, up to `maxRetries`.
 */
export type Box = { x: number; y: number; width: number; height: number };
export type Detection = { class: string; label?: string; confidence: number; bbox: Box; track_id?: string };
export type SegmentationMask = { track_id: string; class: string; mask_rle: string; mask_area_pixels: number };
export type Track = { class: string; start_frame: number; end_frame: number; duration_frames: number; avg_confidence: number; frames: { frame: number; timestamp: number; confidence: number }[] };
export type Scene = { scene_number: number; start_frame: number; end_frame: number; description: string; importance: number; replaceable_elements: { type: string; description: string; difficulty: "easy" | "medium" | "hard" }[] };
export type Results = {
  job_id: string;
  status: "success";
  metadata: { duration_seconds: number; width: number; height: number; fps: number; codec: string; total_frames: number };
  detections: Record<string, Detection[]>;
  segmentation_masks: Record<string, SegmentationMask[]>;
  tracking: Record<string, Track>;
  scenes: Scene[];
  reframed_video_url?: string;
};
export type JobStatus = { job_id: string; status: "queued" | "processing" | "completed" | "failed"; progress_percent?: number; current_step?: string; video_id?: string; error_message?: string };
export type ProcessOptions = { fps?: number; aspect?: "9:16" | "1:1" | "4:5" | "16:9"; filename?: string };
export type ClientOptions = { baseUrl?: string; maxRetries?: number; fetch?: typeof fetch };
export type WaitOptions = { intervalMs?: number; timeoutMs?: number; onProgress?: (status: JobStatus) => void };

export class VideoReframerError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${status}: ${detail}`);
    this.name = "VideoReframerError";
  }
}

export class Job {
  constructor(
    private readonly client: VideoReframer,
    readonly id: string,
  ) {}

  status(): Promise<JobStatus> {
    return this.client.request<JobStatus>(`/job/${this.id}`);
  }

  /** Polls GET /job until completed (then returns the results) or failed (then throws). */
  async wait(options: WaitOptions = {}): Promise<Results> {
    const { intervalMs = 2000, timeoutMs = 30 * 60_000, onProgress } = options;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.status();
      onProgress?.(status);
      if (status.status === "completed") return this.results();
      if (status.status === "failed") throw new VideoReframerError(500, status.error_message ?? "Processing failed");
      if (Date.now() > deadline) throw new VideoReframerError(408, `Job ${this.id} did not finish in time`);
      await sleep(intervalMs);
    }
  }

  results(query: { classes?: "coco" } = {}): Promise<Results> {
    return this.client.request<Results>(`/results/${this.id}${query.classes ? `?classes=${query.classes}` : ""}`);
  }
}

export class VideoReframer {
  readonly baseUrl: string;
  private readonly maxRetries: number;
  private readonly fetcher: typeof fetch;

  constructor(
    private readonly apiKey: string,
    options: ClientOptions = {},
  ) {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    this.baseUrl = (options.baseUrl ?? env?.VIDEO_REFRAMER_URL ?? "http://localhost:3000").replace(/\/$/, "");
    this.maxRetries = options.maxRetries ?? 5;
    this.fetcher = options.fetch ?? fetch;
  }

  async process(video: Blob | string, options: ProcessOptions = {}): Promise<Job> {
    const created = await this.request<{ job_id: string }>("/process", {
      method: "POST",
      body: async () => {
        const form = new FormData();
        const blob = typeof video === "string" ? await fileBlob(video) : video;
        const name = options.filename ?? (typeof video === "string" ? video.split(/[\\/]/).pop()! : ((video as File).name ?? "video.mp4"));
        form.set("file", blob, name);
        if (options.fps !== undefined) form.set("fps", String(options.fps));
        if (options.aspect) form.set("aspect", options.aspect);
        return form;
      },
    });
    return new Job(this, created.job_id);
  }

  job(id: string): Job {
    return new Job(this, id);
  }

  /** One request with the key, retried on 429 (Retry-After), 5xx and network errors. */
  async request<T>(path: string, init: { method?: string; body?: () => Promise<FormData> } = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetcher(`${this.baseUrl}${path}`, { method: init.method ?? "GET", headers: { "X-API-Key": this.apiKey }, body: init.body ? await init.body() : undefined });
      } catch (error) {
        if (attempt >= this.maxRetries) throw error;
        await sleep(backoff(attempt));
        continue;
      }
      const retryable = response.status === 429 || response.status >= 500 || response.status === 202;
      if (retryable && attempt < this.maxRetries) {
        const after = Number(response.headers.get("retry-after"));
        await response.body?.cancel();
        await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : backoff(attempt));
        continue;
      }
      const text = await response.text();
      if (!response.ok || response.status === 202) {
        let detail = text;
        try {
          detail = (JSON.parse(text) as { detail?: string }).detail ?? text;
        } catch {
          // not JSON: the text itself
        }
        throw new VideoReframerError(response.status, detail);
      }
      return JSON.parse(text) as T;
    }
  }
}

function backoff(attempt: number): number {
  return Math.min(30_000, 500 * 2 ** attempt) * (0.75 + Math.random() / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function fileBlob(path: string): Promise<Blob> {
  // Node 20: a Blob backed by the file on disk, read as the request is sent.
  const { openAsBlob } = (await import("node:fs")) as unknown as { openAsBlob: (path: string) => Promise<Blob> };
  return openAsBlob(path);
}
