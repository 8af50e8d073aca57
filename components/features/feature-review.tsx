"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/**
 * Review of one feature-extraction job (issue 13 §7), for admins: the job's product images and
 * frames in a grid, each with its mask tinted over it, its ORB keypoints and (frames) the
 * detector's boxes drawn; the API's filters (`has`, `video_id`, `sort_by`, `order`, pages);
 * the items that failed with their reasons; and the product search (by a product of the job
 * or an uploaded picture) with its hits on a timeline per video. Everything is read from the
 * contract's endpoints.
 */

type Box = { x: number; y: number; width: number; height: number };
type FrameObject = { label: string; confidence: number; box: Box; method: string; mask_url: string };
type Urls = { segment: string | null; embedding: string | null; keypoints: string | null };
type Asset = { key: string; title: string; subtitle: string; imageUrl: string | null; urls: Urls; has: { segment: boolean; embedding: boolean; keypoints: boolean }; objects: FrameObject[] };
type Listed<T> = { items: T[]; total: number; limit: number; offset: number };
type Status = { phase: string; percent: number; counts: Record<string, number>; failed_items: { kind: string; id: string; source: string | null; reason: string }[]; error: string | null };
type Video = { video_id: string; title: string | null; platform: string; duration_s: number | null; frames_count: number };
type Hit = { frame_id: string; video_id: string; ts: number; score: number; similarity: number; inliers: number; box?: Box };

const PAGE = 24;
const HAS = ["any", "segment", "embedding", "keypoints", "none"] as const;

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) throw new Error((body as { detail?: string }).detail ?? `HTTP ${response.status}`);
  return body as T;
}

/** The keypoint blob (lib/features/compute.ts KEYPOINT_BLOB): "FWKP", version, sizes, then x, y per 24-byte record. */
function parseKeypoints(buffer: ArrayBuffer): { width: number; height: number; points: [number, number][] } | null {
  const view = new DataView(buffer);
  if (buffer.byteLength < 20 || new TextDecoder().decode(new Uint8Array(buffer, 0, 4)) !== "FWKP") return null;
  const count = view.getUint32(8, true);
  const points: [number, number][] = [];
  for (let i = 0; i < count; i++) points.push([view.getFloat32(20 + i * 24, true), view.getFloat32(24 + i * 24, true)]);
  return { width: view.getUint32(12, true), height: view.getUint32(16, true), points };
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error(`could not load ${url}`));
    image.src = url;
  });
}

/** One picture with its mask (tinted), keypoints and boxes drawn on a canvas over it. */
function AssetCard({ asset, layers }: { asset: Asset; layers: { mask: boolean; keypoints: boolean; boxes: boolean } }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState({ mask: false, keypoints: 0 });
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const c = canvas.current;
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
        const blob = parseKeypoints(await (await fetch(asset.urls.keypoints)).arrayBuffer());
        if (blob) {
          g.strokeStyle = "#facc15";
          g.lineWidth = Math.max(1, c.width / 320);
          for (const [x, y] of blob.points) {
            g.beginPath();
            g.arc((x * c.width) / blob.width, (y * c.height) / blob.height, Math.max(2, c.width / 160), 0, 2 * Math.PI);
            g.stroke();
          }
          keypoints = blob.points.length;
        }
      }
      // Boxes are in the frame JPEG's own pixels (the detector ran on it).
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
  }, [asset.imageUrl, asset.urls.segment, asset.urls.keypoints, asset.objects, layers]);

  return (
    <figure className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="feature-card" data-mask={drawn.mask ? "drawn" : "none"} data-keypoints={drawn.keypoints}>
      <div className="relative aspect-[4/3] bg-slate-100">
        {asset.imageUrl ? (
          <>
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

function Pager({ list, offset, onOffset, label }: { list: Listed<unknown> | null; offset: number; onOffset: (offset: number) => void; label: string }) {
  if (!list) return null;
  const last = Math.min(list.total, offset + list.items.length);
  return (
    <div className="flex items-center gap-2 text-sm text-slate-600" data-testid={`${label}-pager`}>
      <span>{list.total === 0 ? "none" : `${offset + 1}–${last} of ${list.total}`}</span>
      <button type="button" className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-40" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - PAGE))}>Previous</button>
      <button type="button" className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-40" disabled={last >= list.total} onClick={() => onOffset(offset + PAGE)}>Next</button>
    </div>
  );
}

function Select({ label, value, options, onChange, testId }: { label: string; value: string; options: { value: string; label: string }[]; onChange: (value: string) => void; testId: string }) {
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
      {label}
      <select className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-800" value={value} onChange={(event) => onChange(event.target.value)} data-testid={testId}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>{option.label}</option>
        ))}
      </select>
    </label>
  );
}

/** Hits as markers on one bar per video, positioned by ts over the video's duration. */
function Timelines({ videos, hits, selected, onSelect }: { videos: Video[]; hits: Hit[]; selected: string | null; onSelect: (hit: Hit) => void }) {
  return (
    <div className="space-y-3" data-testid="search-timelines">
      {videos.map((video) => {
        const own = hits.filter((hit) => hit.video_id === video.video_id);
        const duration = video.duration_s ?? Math.max(1, ...own.map((hit) => hit.ts));
        return (
          <div key={video.video_id} data-testid="search-timeline" data-video={video.video_id}>
            <p className="mb-1 text-xs text-slate-600"><span className="font-medium text-slate-800">{video.title ?? video.video_id}</span> · {own.length} hits · {duration.toFixed(1)} s</p>
            <div className="relative h-7 rounded bg-slate-100">
              {own.map((hit, rank) => (
                <button
                  key={hit.frame_id}
                  type="button"
                  title={`${hit.ts.toFixed(1)} s · score ${hit.score} · ${hit.inliers} inliers`}
                  onClick={() => onSelect(hit)}
                  data-testid="search-hit"
                  className={`absolute top-0.5 h-6 w-2 -translate-x-1/2 rounded-sm ${selected === hit.frame_id ? "bg-rose-600" : hit.inliers ? "bg-emerald-600" : "bg-slate-500"}`}
                  style={{ left: `${Math.min(100, (100 * hit.ts) / duration)}%`, opacity: 1 - rank * 0.06 }}
                />
              ))}
            </div>
          </div>
        );
      })}
    </div>
  );
}

export function FeatureReview({ jobId }: { jobId: string }) {
  const [status, setStatus] = useState<Status | null>(null);
  const [videos, setVideos] = useState<Video[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [has, setHas] = useState("any");
  const [videoId, setVideoId] = useState("");
  const [sortBy, setSortBy] = useState("ts");
  const [order, setOrder] = useState("asc");
  const [imageOffset, setImageOffset] = useState(0);
  const [frameOffset, setFrameOffset] = useState(0);
  const [images, setImages] = useState<Listed<Record<string, unknown>> | null>(null);
  const [frames, setFrames] = useState<Listed<Record<string, unknown>> | null>(null);
  const [frameSources, setFrameSources] = useState<Map<string, string>>(new Map());
  const [imageSources, setImageSources] = useState<Map<string, string>>(new Map());
  const [layers, setLayers] = useState({ mask: true, keypoints: true, boxes: true });
  const [product, setProduct] = useState("");
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [selectedHit, setSelectedHit] = useState<Hit | null>(null);
  const upload = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void (async () => {
      try {
        setStatus(await getJson<Status>(`/status/${jobId}`));
        const list = await getJson<Listed<Video>>(`/jobs/${jobId}/videos?limit=100`);
        setVideos(list.items);
        const pictures = await getJson<Listed<{ img_id: string; url: string | null }>>(`/jobs/${jobId}/images?limit=100`);
        setImageSources(new Map(pictures.items.map((item) => [item.img_id, item.url ?? ""])));
        if (pictures.items[0]) setProduct(pictures.items[0].img_id);
      } catch (cause) {
        setError((cause as Error).message);
      }
    })();
  }, [jobId]);

  // Each list keeps only the answer to its latest filters: an earlier request may answer later.
  useEffect(() => {
    let stale = false;
    void getJson<Listed<Record<string, unknown>>>(`/jobs/${jobId}/features/product-images?has=${has}&limit=${PAGE}&offset=${imageOffset}`).then(
      (list) => !stale && setImages(list),
      (cause: Error) => !stale && setError(cause.message),
    );
    return () => {
      stale = true;
    };
  }, [jobId, has, imageOffset]);

  useEffect(() => {
    const query = new URLSearchParams({ has, sort_by: sortBy, order, limit: String(PAGE), offset: String(frameOffset) });
    if (videoId) query.set("video_id", videoId);
    let stale = false;
    void getJson<Listed<Record<string, unknown>>>(`/jobs/${jobId}/features/video-frames?${query}`).then(
      (list) => !stale && setFrames(list),
      (cause: Error) => !stale && setError(cause.message),
    );
    return () => {
      stale = true;
    };
  }, [jobId, has, videoId, sortBy, order, frameOffset]);

  // The frames' JPEG URLs come from each video's frame list (the features list has no picture).
  useEffect(() => {
    void (async () => {
      const sources = new Map<string, string>();
      for (const video of videos) {
        for (let offset = 0; offset < video.frames_count; offset += 100) {
          const page = await getJson<Listed<{ frame_id: string; url: string }>>(`/jobs/${jobId}/videos/${video.video_id}/frames?limit=100&offset=${offset}`);
          for (const frame of page.items) sources.set(frame.frame_id, frame.url);
        }
      }
      setFrameSources(sources);
    })().catch((cause: Error) => setError(cause.message));
  }, [jobId, videos]);

  const search = useCallback(async (mode: "product" | "upload") => {
    setSearching(true);
    setError(null);
    try {
      let response: Response;
      if (mode === "upload") {
        const file = upload.current?.files?.[0];
        if (!file) throw new Error("Choose a picture first");
        const form = new FormData();
        form.set("job_id", jobId);
        form.set("limit", "20");
        form.set("image", file);
        response = await fetch("/features/search/image", { method: "POST", body: form });
      } else {
        response = await fetch("/features/search", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ job_id: jobId, img_id: product, limit: 20 }) });
      }
      const body = (await response.json()) as { items?: Hit[]; detail?: string };
      if (!response.ok) throw new Error(body.detail ?? `HTTP ${response.status}`);
      setHits(body.items ?? []);
      setSelectedHit(body.items?.[0] ?? null);
    } catch (cause) {
      setError((cause as Error).message);
    } finally {
      setSearching(false);
    }
  }, [jobId, product]);

  const toAsset = (item: Record<string, unknown>, kind: "image" | "frame"): Asset => {
    const urls = item.urls as Urls;
    const id = String(kind === "image" ? item.img_id : item.frame_id);
    return {
      key: id,
      title: id,
      subtitle: kind === "image" ? `product ${item.product_id}` : `${Number(item.ts).toFixed(1)} s`,
      imageUrl: (kind === "image" ? imageSources.get(id) : frameSources.get(id)) || null,
      urls,
      has: { segment: Boolean(item.has_segment), embedding: Boolean(item.has_embedding), keypoints: Boolean(item.has_keypoints) },
      objects: (item.objects as FrameObject[] | undefined) ?? [],
    };
  };

  return (
    <div className="space-y-6" data-testid="feature-review">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Feature review</h1>
          <p className="mt-1 font-mono text-xs text-slate-500">{jobId}</p>
        </div>
        {status && (
          <p className="text-sm text-slate-600" data-testid="review-status">
            <span className="rounded-full bg-slate-100 px-2 py-0.5 font-medium">{status.phase}</span> {status.percent}% · {status.counts.products} products · {status.counts.images} images · {status.counts.videos} videos · {status.counts.frames} frames
          </p>
        )}
      </header>
      {error && <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="review-error">{error}</p>}

      {status && status.failed_items.length > 0 && (
        <section className="rounded-xl border border-amber-200 bg-amber-50/60 p-4" data-testid="failed-items">
          <h2 className="mb-2 font-medium text-amber-900">Failed items ({status.failed_items.length})</h2>
          <ul className="space-y-1 text-sm">
            {status.failed_items.map((item) => (
              <li key={`${item.kind}-${item.id}`} className="break-words">
                <span className="font-mono text-xs">{item.kind} {item.id}</span> <span className="text-slate-500">{item.source}</span>: <span className="text-amber-900">{item.reason}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="review-filters">
        <Select label="has" value={has} testId="filter-has" options={HAS.map((value) => ({ value, label: value }))} onChange={(value) => { setHas(value); setImageOffset(0); setFrameOffset(0); }} />
        <Select label="video" value={videoId} testId="filter-video" options={[{ value: "", label: "all videos" }, ...videos.map((video) => ({ value: video.video_id, label: video.title ?? video.video_id }))]} onChange={(value) => { setVideoId(value); setFrameOffset(0); }} />
        <Select label="frames by" value={sortBy} testId="filter-sort" options={["ts", "frame_id", "updated_at"].map((value) => ({ value, label: value }))} onChange={setSortBy} />
        <Select label="order" value={order} testId="filter-order" options={["asc", "desc"].map((value) => ({ value, label: value }))} onChange={setOrder} />
        <fieldset className="flex gap-3 text-sm text-slate-700">
          {(["mask", "keypoints", "boxes"] as const).map((layer) => (
            <label key={layer} className="flex items-center gap-1">
              <input type="checkbox" checked={layers[layer]} onChange={(event) => setLayers({ ...layers, [layer]: event.target.checked })} /> {layer}
            </label>
          ))}
        </fieldset>
      </section>

      <section className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="review-search">
        <h2 className="font-medium">Where does this product appear?</h2>
        <div className="flex flex-wrap items-end gap-3">
          <Select label="product image" value={product} testId="search-product" options={[...imageSources.keys()].map((id) => ({ value: id, label: id }))} onChange={setProduct} />
          <button type="button" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm text-white disabled:opacity-50" disabled={!product || searching} onClick={() => void search("product")} data-testid="search-run">Search</button>
          <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
            or a picture
            <input ref={upload} type="file" accept="image/*" className="text-sm" data-testid="search-file" />
          </label>
          <button type="button" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm disabled:opacity-50" disabled={searching} onClick={() => void search("upload")} data-testid="search-upload">Search by picture</button>
        </div>
        {hits && (hits.length === 0 ? <p className="text-sm text-slate-500">No frames found.</p> : <Timelines videos={videos} hits={hits} selected={selectedHit?.frame_id ?? null} onSelect={setSelectedHit} />)}
        {selectedHit && (
          <div className="flex flex-wrap items-start gap-4" data-testid="search-selected">
            <div className="relative w-full max-w-sm">
              <img src={frameSources.get(selectedHit.frame_id)} alt={selectedHit.frame_id} className="w-full rounded" />
              {selectedHit.box && (
                <div className="absolute border-2 border-rose-500" style={{ left: `${selectedHit.box.x * 100}%`, top: `${selectedHit.box.y * 100}%`, width: `${selectedHit.box.width * 100}%`, height: `${selectedHit.box.height * 100}%` }} />
              )}
            </div>
            <p className="text-sm text-slate-600">
              <span className="font-mono text-xs">{selectedHit.frame_id}</span><br />
              <span data-testid="search-selected-ts">{selectedHit.ts.toFixed(1)} s</span> · score {selectedHit.score} · similarity {selectedHit.similarity} · {selectedHit.inliers} inliers
            </p>
          </div>
        )}
      </section>

      <section className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="font-medium">Product images</h2>
          <Pager list={images} offset={imageOffset} onOffset={setImageOffset} label="images" />
        </div>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="image-grid">
          {images?.items.map((item) => <AssetCard key={String(item.img_id)} asset={toAsset(item, "image")} layers={layers} />)}
        </div>
      </section>

      <section className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="font-medium">Frames</h2>
          <Pager list={frames} offset={frameOffset} onOffset={setFrameOffset} label="frames" />
        </div>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="frame-grid">
          {frames?.items.map((item) => <AssetCard key={String(item.frame_id)} asset={toAsset(item, "frame")} layers={layers} />)}
        </div>
      </section>
    </div>
  );
}
