"use client";

import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from "react";
import { boxCaption, frameAt, maskToRgba, trackColour, visibleBoxes, type CompactFrame, type CompactMask, type DetectionWindow } from "@/lib/analysis/viewer/overlay";
import { placeLabels } from "@/lib/analysis/viewer/truth";
import type { Zone } from "@/lib/analysis/zone-geometry";
import { ZoneOverlay } from "./zone-editor";

/** Seconds of detections fetched at once; the next window is fetched ahead of the playhead. */
const WINDOW = 60;

export type OverlaySettings = { hidden: ReadonlySet<string>; minConfidence: number; selectedTrack: number | null; masks: boolean };

/** Person masks are painted in this colour, translucent, under the boxes. */
const maskColour = [56, 189, 248, 110] as const;

/**
 * The job's boxes for the whole video, fetched a window at a time as the playhead reaches it
 * (GET /api/jobs/{id}/detections), kept as one time-sorted list of sampled frames.
 */
export function useDetections(jobId: string, video: RefObject<HTMLVideoElement | null>, duration: number) {
  const windows = useRef(new Map<number, { frames: CompactFrame[]; masks: CompactMask[] }>());
  const [state, setState] = useState<{ frames: CompactFrame[]; masks: CompactMask[]; labels: string[]; width: number; height: number; sampleInterval: number }>({ frames: [], masks: [], labels: [], width: 0, height: 0, sampleInterval: 0.2 });
  const labelsRef = useRef<string[]>([]);

  const load = useCallback(
    async (index: number) => {
      if (windows.current.has(index) || index * WINDOW > Math.max(duration, 0) + WINDOW) return;
      windows.current.set(index, { frames: [], masks: [] });
      const response = await fetch(`/api/jobs/${jobId}/detections?from=${index * WINDOW}&to=${(index + 1) * WINDOW}`).catch(() => null);
      if (!response?.ok) {
        windows.current.delete(index);
        return;
      }
      const body = (await response.json()) as DetectionWindow;
      // Each window numbers its labels itself: renumber into one list for the whole video.
      const labels = labelsRef.current;
      const mapping = body.labels.map((label) => (labels.includes(label) ? labels.indexOf(label) : labels.push(label) - 1));
      // A window's `to` is inclusive: a frame exactly on the boundary belongs to the next one.
      const frames = body.frames.filter((frame) => frame.t < (index + 1) * WINDOW).map((frame) => ({ t: frame.t, boxes: frame.boxes.map((box) => [mapping[box[0]], ...box.slice(1)] as typeof box) }));
      windows.current.set(index, { frames, masks: body.masks.filter((mask) => mask.t < (index + 1) * WINDOW) });
      const ordered = [...windows.current.entries()].sort((a, b) => a[0] - b[0]).map(([, loaded]) => loaded);
      setState({ frames: ordered.flatMap((w) => w.frames), masks: ordered.flatMap((w) => w.masks), labels: [...labels], width: body.width, height: body.height, sampleInterval: body.sample_interval });
    },
    [jobId, duration],
  );

  useEffect(() => {
    void load(0);
    const element = video.current;
    if (!element) return;
    const onTime = () => {
      const index = Math.floor(element.currentTime / WINDOW);
      void load(index);
      if (element.currentTime - index * WINDOW > WINDOW * 0.7) void load(index + 1);
    };
    element.addEventListener("timeupdate", onTime);
    element.addEventListener("seeked", onTime);
    return () => {
      element.removeEventListener("timeupdate", onTime);
      element.removeEventListener("seeked", onTime);
    };
  }, [load, video]);

  return state;
}

/**
 * The source video with the detector's boxes, labels and track ids drawn on a canvas over it,
 * redrawn for every presented frame (requestVideoFrameCallback, its mediaTime) and on every
 * seek or change of the filters. Frame stepping with buttons and the , and . keys.
 */
export function OverlayPlayer({
  src,
  // Named as a ref: React's rules let an effect change the element a ref holds, not a prop.
  video: videoRef,
  detections,
  settings,
  frameRate,
  aspect,
  zones = [],
}: {
  src: string;
  video: RefObject<HTMLVideoElement | null>;
  detections: ReturnType<typeof useDetections>;
  settings: OverlaySettings;
  frameRate: number;
  aspect: number;
  /** The zones the analysis ran with, drawn under the boxes. */
  zones?: Zone[];
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  /** Decoded masks by time, each painted once onto a canvas of its own. */
  const maskCache = useRef(new Map<number, HTMLCanvasElement | null>());
  const latest = useRef({ detections, settings });
  // What the frame callbacks draw: the last committed props, not read from a render in flight.
  useLayoutEffect(() => {
    latest.current = { detections, settings };
  });

  const draw = useCallback(
    (mediaTime: number) => {
      const element = videoRef.current;
      const target = canvas.current;
      if (!element || !target) return;
      const width = element.videoWidth || latest.current.detections.width || 1;
      const height = element.videoHeight || latest.current.detections.height || 1;
      if (target.width !== width) target.width = width;
      if (target.height !== height) target.height = height;
      const context = target.getContext("2d");
      if (!context) return;
      context.clearRect(0, 0, width, height);
      const { detections: data, settings: filter } = latest.current;
      const sx = data.width > 0 ? width / data.width : 1;
      const sy = data.height > 0 ? height / data.height : 1;
      const mask = filter.masks && data.width > 0 ? frameAt(data.masks, mediaTime, data.sampleInterval) : null;
      if (mask) {
        if (!maskCache.current.has(mask.t)) maskCache.current.set(mask.t, paintMask(mask.rle, data.width, data.height));
        const painted = maskCache.current.get(mask.t);
        if (painted) context.drawImage(painted, 0, 0, width, height);
      }
      target.dataset.mask = mask ? "1" : "0";
      const boxes = visibleBoxes(frameAt(data.frames, mediaTime, data.sampleInterval), data.labels, filter);
      const line = Math.max(3, Math.round(width / 320));
      const font = Math.max(12, Math.round(width / 48));
      context.font = `600 ${font}px "DejaVu Sans", sans-serif`;
      context.textBaseline = "top";
      const chosenOf = (box: (typeof boxes)[number]) => filter.selectedTrack === null || box.trackId === filter.selectedTrack;
      const rects = boxes.map((box) => ({ x: box.x * sx, y: box.y * sy, width: box.width * sx, height: box.height * sy }));
      boxes.forEach((box, i) => {
        const [r, g, b] = trackColour(box.trackId);
        const chosen = chosenOf(box);
        context.globalAlpha = chosen ? 1 : 0.35;
        context.strokeStyle = `rgb(${r}, ${g}, ${b})`;
        context.lineWidth = chosen && filter.selectedTrack !== null ? line * 2 : line;
        const { x, y, width: w, height: h } = rects[i];
        context.strokeRect(x + context.lineWidth / 2, y + context.lineWidth / 2, w - context.lineWidth, h - context.lineWidth);
      });
      // Captions after every box, placed so that none covers another or leaves the frame: the
      // chosen track's first, then the most confident.
      const order = boxes.map((_, i) => i).sort((a, b) => Number(chosenOf(boxes[b])) - Number(chosenOf(boxes[a])) || boxes[b].confidence - boxes[a].confidence);
      const captions = boxes.map((box) => boxCaption(box));
      const spots = placeLabels(
        order.map((i) => rects[i]),
        order.map((i) => ({ width: Math.ceil(context.measureText(captions[i]).width + 8), height: font + 6 })),
        { width, height },
      );
      const placed: { x: number; y: number; width: number; height: number }[] = [];
      order.forEach((i, k) => {
        const spot = spots[k];
        if (!spot) return;
        const [r, g, b] = trackColour(boxes[i].trackId);
        context.globalAlpha = chosenOf(boxes[i]) ? 1 : 0.35;
        context.fillStyle = `rgb(${r}, ${g}, ${b})`;
        context.fillRect(spot.x, spot.y, spot.width, spot.height);
        context.fillStyle = "#020617";
        context.fillText(captions[i], spot.x + 4, spot.y + 3);
        placed.push(spot);
      });
      // What was placed, for the e2e check that captions stay apart and inside the frame.
      target.dataset.captions = JSON.stringify(placed.map((spot) => [spot.x, spot.y, spot.width, spot.height].map(Math.round)));
      context.globalAlpha = 1;
      target.dataset.boxes = String(boxes.length);
      target.dataset.time = mediaTime.toFixed(3);
    },
    [videoRef],
  );

  // Every presented frame, where the browser can say which (Chromium, Safari); else every paint.
  useEffect(() => {
    const element = videoRef.current;
    if (!element) return;
    let handle = 0;
    let stopped = false;
    const withFrames = "requestVideoFrameCallback" in element;
    const onFrame = (_now: number, metadata?: VideoFrameCallbackMetadata) => {
      if (stopped) return;
      draw(metadata?.mediaTime ?? element.currentTime);
      handle = withFrames ? element.requestVideoFrameCallback(onFrame) : requestAnimationFrame((now) => onFrame(now));
    };
    handle = withFrames ? element.requestVideoFrameCallback(onFrame) : requestAnimationFrame((now) => onFrame(now));
    const redraw = () => draw(element.currentTime);
    element.addEventListener("seeked", redraw);
    element.addEventListener("loadeddata", redraw);
    return () => {
      stopped = true;
      if (withFrames) element.cancelVideoFrameCallback(handle);
      else cancelAnimationFrame(handle);
      element.removeEventListener("seeked", redraw);
      element.removeEventListener("loadeddata", redraw);
    };
  }, [draw, videoRef]);

  // Paused, nothing new is presented: filters and newly fetched boxes redraw the still frame.
  useEffect(() => {
    if (videoRef.current) draw(videoRef.current.currentTime);
  }, [detections, settings, draw, videoRef]);

  const step = (frames: number) => {
    const element = videoRef.current;
    if (!element) return;
    element.pause();
    const duration = Number.isFinite(element.duration) ? element.duration : Infinity;
    // The frame shown now, then land in the middle of the next one: exactly on its edge the
    // browser may show the one before.
    const index = Math.floor(element.currentTime * frameRate + 1e-6) + frames;
    element.currentTime = Math.min(duration, Math.max(0, (index + 0.5) / frameRate));
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === "," || event.key === ".") {
      event.preventDefault();
      step(event.key === "," ? -1 : 1);
    }
  };

  return (
    <div onKeyDown={onKeyDown}>
      <div className="relative overflow-hidden rounded-lg bg-black" style={{ aspectRatio: aspect }}>
        <video ref={videoRef} src={src} controls preload="auto" playsInline muted className="absolute inset-0 h-full w-full" data-testid="source-video" aria-label="Analysed video (, and . step one frame)" />
        {zones.length > 0 && <ZoneOverlay zones={zones} aspect={aspect} />}
        <canvas ref={canvas} className="pointer-events-none absolute inset-0 h-full w-full" data-testid="overlay-canvas" aria-hidden="true" />
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-2 text-sm">
        <button type="button" onClick={() => step(-1)} className="rounded-md border border-slate-300 bg-white px-2.5 py-1 hover:bg-slate-50" aria-label="Previous frame" title="Previous frame (,)">
          ◀ Frame
        </button>
        <button type="button" onClick={() => step(1)} className="rounded-md border border-slate-300 bg-white px-2.5 py-1 hover:bg-slate-50" aria-label="Next frame" title="Next frame (.)">
          Frame ▶
        </button>
        <span className="text-xs text-slate-600">
          <span className="keyboard-hint" data-testid="keyboard-hint">Keys: , and . step a frame </span>({frameRate.toFixed(frameRate % 1 ? 2 : 0)} fps)
        </span>
      </div>
    </div>
  );
}

/** A mask as a canvas of the frame's size (null when its runs do not fit the frame). */
function paintMask(rle: string, width: number, height: number): HTMLCanvasElement | null {
  const pixels = maskToRgba(rle, width, height, maskColour);
  if (!pixels) return null;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d")?.putImageData(new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
  return canvas;
}
