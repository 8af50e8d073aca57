"use client";

import { useEffect, useRef, useState } from "react";
import { decodeKeypointBlob, type Keypoints } from "@/lib/features/keypoint-blob";
import type { Asset, Layers } from "./review-types";

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error(`could not load ${url}`));
    image.src = url;
  });
}

async function fetchKeypoints(url: string): Promise<Keypoints | null> {
  try {
    return decodeKeypointBlob(new Uint8Array(await (await fetch(url)).arrayBuffer()));
  } catch {
    return null;
  }
}

/**
 * Draws the asset's picture with the asked layers on the canvas: its mask tinted, its ORB
 * keypoints, and the detector's boxes (in the frame JPEG's own pixels: the detector ran on it).
 * Says what it drew, for the card's badges.
 */
function useAssetDrawing(canvasRef: React.RefObject<HTMLCanvasElement | null>, asset: Asset, layers: Layers) {
  const [drawn, setDrawn] = useState({ mask: false, keypoints: 0 });
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const c = canvasRef.current;
      if (!c || !asset.imageUrl) return;
      const picture = await loadImage(asset.imageUrl);
      if (cancelled) return;
      c.width = picture.naturalWidth;
      c.height = picture.naturalHeight;
      const g = c.getContext("2d")!;
      g.clearRect(0, 0, c.width, c.height);
      let mask = false;
      if (layers.mask && asset.urls.segment) {
        const image = await loadImage(asset.urls.segment);
        const scratch = document.createElement("canvas");
        scratch.width = c.width;
        scratch.height = c.height;
        const s = scratch.getContext("2d")!;
        s.drawImage(image, 0, 0, c.width, c.height);
        const pixels = s.getImageData(0, 0, c.width, c.height);
        for (let i = 0; i < pixels.data.length; i += 4) {
          const on = pixels.data[i] > 127;
          pixels.data.set(on ? [16, 185, 129, 110] : [15, 23, 42, 90], i);
        }
        g.putImageData(pixels, 0, 0);
        mask = true;
      }
      let keypoints = 0;
      if (layers.keypoints && asset.urls.keypoints) {
        const blob = await fetchKeypoints(asset.urls.keypoints);
        if (blob) {
          g.strokeStyle = "#facc15";
          g.lineWidth = Math.max(1, c.width / 320);
          for (let i = 0; i < blob.count; i++) {
            const [x, y] = [blob.points[i * 6], blob.points[i * 6 + 1]];
            g.beginPath();
            g.arc((x * c.width) / blob.width, (y * c.height) / blob.height, Math.max(2, c.width / 160), 0, 2 * Math.PI);
            g.stroke();
          }
          keypoints = blob.count;
        }
      }
      if (layers.boxes) {
        g.lineWidth = Math.max(2, c.width / 200);
        g.font = `${Math.max(10, Math.round(c.width / 40))}px sans-serif`;
        for (const { label, confidence, box } of asset.objects) {
          g.strokeStyle = label === "person" ? "#f43f5e" : "#3b82f6";
          g.strokeRect(box.x, box.y, box.width, box.height);
          g.fillStyle = g.strokeStyle;
          g.fillText(`${label} ${confidence.toFixed(2)}`, box.x + 2, Math.max(10, box.y - 3));
        }
      }
      if (!cancelled) setDrawn({ mask, keypoints });
    })().catch(() => undefined);
    return () => {
      cancelled = true;
    };
    // asset is rebuilt on every render of the page; these are what the drawing depends on.
  }, [canvasRef, asset.imageUrl, asset.urls.segment, asset.urls.keypoints, asset.objects, layers]);
  return drawn;
}

/** One picture with its mask (tinted), keypoints and boxes drawn on a canvas over it. */
export function AssetCard({ asset, layers }: { asset: Asset; layers: Layers }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawn = useAssetDrawing(canvas, asset, layers);

  return (
    <figure className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="feature-card" data-mask={drawn.mask ? "drawn" : "none"} data-keypoints={drawn.keypoints}>
      <div className="relative aspect-[4/3] bg-slate-100">
        {asset.imageUrl ? (
          <>
            {/* eslint-disable-next-line @next/next/no-img-element -- the job's own picture from our API, fetched with the caller's session (Next's optimizer would fetch it without) */}
            <img src={asset.imageUrl} alt={asset.title} className="absolute inset-0 h-full w-full object-contain" />
            <canvas ref={canvas} className="absolute inset-0 h-full w-full object-contain" />
          </>
        ) : (
          <p className="p-4 text-xs text-slate-500">no picture</p>
        )}
      </div>
      <figcaption className="space-y-1 px-2.5 py-2 text-xs">
        <p className="truncate font-mono font-medium text-slate-800" title={asset.title}>{asset.title}</p>
        <p className="truncate text-slate-500">{asset.subtitle}</p>
        <p className="flex flex-wrap gap-1">
          {(["segment", "embedding", "keypoints"] as const).map((kind) => (
            <span key={kind} className={`rounded px-1.5 py-0.5 ${asset.has[kind] ? "bg-emerald-50 text-emerald-700" : "bg-slate-100 text-slate-400"}`}>{kind}</span>
          ))}
          {drawn.keypoints > 0 && <span className="rounded bg-amber-50 px-1.5 py-0.5 text-amber-700">{drawn.keypoints} kp</span>}
          {asset.objects.length > 0 && <span className="rounded bg-rose-50 px-1.5 py-0.5 text-rose-700">{asset.objects.length} objects</span>}
        </p>
      </figcaption>
    </figure>
  );
}
