"use client";

import { useEffect, useRef, useState } from "react";
import { formatTime } from "@/components/analysis/format";

type Box = { x: number; y: number; width: number; height: number };
type Results = {
  metadata: { width: number; height: number; fps: number; duration_seconds: number };
  detections: Record<string, { class: string; label: string; confidence: number; bbox: Box; track_id?: string }[]>;
  segmentation_masks: Record<string, { track_id: string; class: string; mask_rle: string; mask_area_pixels: number }[]>;
  tracking: Record<string, { class: string; start_frame: number; end_frame: number; avg_confidence: number; label?: string }>;
  scenes: { scene_number: number; start_frame: number; end_frame: number; description: string; importance: number }[];
  reframe?: { width: number; height: number; aspect: string } | null;
};

const colours = ["#ef4444", "#3b82f6", "#22c55e", "#f59e0b", "#a855f7", "#14b8a6", "#ec4899", "#84cc16"];
const colourOf = (track?: string) => colours[(Number(track?.slice(4)) || 0) % colours.length];

/** Source video with boxes and masks drawn over it in sync, the reframe beside it, tracks and scenes. */
export function ReframeResults({ jobId }: { jobId: string }) {
  const [results, setResults] = useState<Results | null>(null);
  const [state, setState] = useState("Loading results…");
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    let stop = false;
    const load = async () => {
      const response = await fetch(`/api/reframes/${jobId}/results`);
      if (response.status === 202) {
        const job = (await response.json()) as { status: string; progress_percent: number; current_step: string; error_message?: string };
        if (job.status === "failed") return setState(`The reframe did not finish: ${job.error_message ?? "it failed"}`);
        setState(job.status === "queued" ? "Waiting for its turn…" : `Reframing: ${job.current_step} (${job.progress_percent}%)`);
        if (!stop) setTimeout(load, 2000);
        return;
      }
      if (!response.ok) return setState(((await response.json()) as { detail: string }).detail);
      setResults((await response.json()) as Results);
    };
    void load();
    return () => {
      stop = true;
    };
  }, [jobId]);

  useEffect(() => {
    if (!results) return;
    const frames = Object.keys(results.detections).map(Number).sort((a, b) => a - b);
    const maskFrames = Object.keys(results.segmentation_masks).map(Number).sort((a, b) => a - b);
    const nearest = (list: number[], frame: number) => list.reduce((best, f) => (Math.abs(f - frame) < Math.abs(best - frame) ? f : best), list[0] ?? -1);
    let handle = 0;
    const draw = () => {
      const v = video.current;
      const c = canvas.current;
      if (v && c) {
        const { width, height, fps } = results.metadata;
        c.width = width;
        c.height = height;
        const g = c.getContext("2d")!;
        g.clearRect(0, 0, width, height);
        const frame = Math.round(v.currentTime * fps);
        const maskFrame = nearest(maskFrames, frame);
        if (maskFrame >= 0 && Math.abs(maskFrame - frame) <= fps / 2) {
          const image = g.createImageData(width, height);
          for (const mask of results.segmentation_masks[String(maskFrame)]) {
            const hex = colourOf(mask.track_id);
            const [r, gr, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
            let offset = 0;
            mask.mask_rle.split(",").forEach((run, i) => {
              const n = Number(run);
              if (i % 2 === 1) for (let p = offset; p < offset + n; p++) image.data.set([r, gr, b, 110], p * 4);
              offset += n;
            });
          }
          g.putImageData(image, 0, 0);
        }
        const detectionFrame = nearest(frames, frame);
        for (const d of results.detections[String(detectionFrame)] ?? []) {
          g.strokeStyle = colourOf(d.track_id);
          g.lineWidth = 2;
          g.strokeRect(d.bbox.x, d.bbox.y, d.bbox.width, d.bbox.height);
          g.fillStyle = g.strokeStyle;
          g.font = "14px sans-serif";
          g.fillText(`${d.track_id ?? ""} ${d.label}`, d.bbox.x + 2, Math.max(14, d.bbox.y - 3));
        }
      }
      handle = requestAnimationFrame(draw);
    };
    handle = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(handle);
  }, [results]);

  if (!results)
    return (
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold tracking-tight">Reframe</h1>
        <p className="text-sm text-slate-600" role="status" data-testid="reframe-state">{state}</p>
      </div>
    );
  /** Frames as the times a person reads on the player. */
  const span = (start: number, end: number) => `${formatTime(start / results.metadata.fps)}–${formatTime(end / results.metadata.fps)}`;
  const seek = (frame: number) => {
    if (video.current) video.current.currentTime = frame / results.metadata.fps;
  };
  return (
    <div className="space-y-6" data-testid="reframe-results">
      <h1 className="text-2xl font-semibold tracking-tight">Reframe</h1>
      <div className="flex flex-wrap items-start gap-4">
        <figure className="m-0" style={{ width: 640, maxWidth: "100%" }}>
          <div className="relative">
            <video ref={video} src={`/api/reframes/${jobId}/source`} controls className="w-full rounded-lg" data-testid="source-video" />
            <canvas ref={canvas} className="pointer-events-none absolute left-0 top-0 w-full" data-testid="overlay" />
          </div>
          <figcaption className="mt-1 text-sm text-slate-600" data-testid="source-caption">source</figcaption>
        </figure>
        {results.reframe && (
          <figure className="m-0 max-w-full">
            <video src={`/api/reframes/${jobId}/reframed`} controls className="h-auto w-full rounded-lg sm:h-[480px] sm:w-auto" data-testid="reframed-video" />
            <figcaption className="mt-1 text-sm text-slate-600" data-testid="reframed-caption">reframed</figcaption>
          </figure>
        )}
      </div>
      <p className="text-sm text-slate-600">Boxes and shaded masks over the source mark what was tracked; the colours match the tracks below. Click a scene or a track to jump to it.</p>
      <section>
        <h2 className="mb-2 font-medium">Scenes</h2>
        <div className="relative flex gap-2 overflow-x-auto" data-testid="scenes">
          {results.scenes.map((scene) => (
            <button key={scene.scene_number} onClick={() => seek(scene.start_frame)} className="min-w-56 rounded-lg border border-slate-200 bg-white p-3 text-left text-sm shadow-sm hover:border-slate-400">
              <div className="font-medium">Scene {scene.scene_number} · {span(scene.start_frame, scene.end_frame)}</div>
              <div className="text-xs text-slate-600">importance {scene.importance} of 10</div>
              <p className="mt-1">{scene.description}</p>
            </button>
          ))}
        </div>
      </section>
      <section>
        <h2 className="mb-2 font-medium">Tracks</h2>
        <ul className="grid grid-cols-2 gap-2 text-sm md:grid-cols-4" data-testid="tracks">
          {Object.entries(results.tracking).map(([id, track]) => (
            <li key={id}>
              <button onClick={() => seek(track.start_frame)} className="w-full rounded border border-slate-200 bg-white px-2 py-1 text-left" style={{ borderLeft: `4px solid ${colourOf(id)}` }}>
                {id} · {track.label ?? track.class} · {span(track.start_frame, track.end_frame)} · {Math.round(track.avg_confidence * 100)}% sure
              </button>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
