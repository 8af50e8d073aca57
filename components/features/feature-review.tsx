"use client";

import { useRef } from "react";
import { AssetCard } from "./asset-card";
import { hasWords, PAGE, phaseWords, type Asset, type FrameObject, type Hit, type Listed, type Urls, type Video } from "./review-types";
import { useProductSearch, useReviewData } from "./use-review-data";
import { HAS, useReviewView } from "./use-review-view";
import { formatTime } from "@/components/analysis/format";

/**
 * Review of one feature-extraction job (issue 13 §7), for admins: the job's product images and
 * frames in a grid, each with its mask tinted over it, its ORB keypoints and (frames) the
 * detector's boxes drawn; the API's filters (`has`, `video_id`, `sort_by`, `order`, pages);
 * the items that failed with their reasons; and the product search (by a product of the job
 * or an uploaded picture) with its hits on a timeline per video. Everything is read from the
 * contract's endpoints. The page's own state (filters, pages, layers) is ./use-review-view.ts,
 * what it fetches ./use-review-data.ts, and each card draws itself (./asset-card.tsx).
 */

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

/** A frame to open the review at (a hit of /search by picture), with its moment in seconds. */
export type Focus = { frameId: string; time: number | null };

/** The frame a search hit opened, big, with its video and moment; scrolled into view once its picture is known. */
function FocusedFrame({ focus, src, videos }: { focus: Focus; src: string | undefined; videos: Video[] }) {
  const video = videos.find((candidate) => focus.frameId.startsWith(`${candidate.video_id}_`));
  return (
    <section className="space-y-2 rounded-xl border border-brand-500 bg-white p-4 shadow-sm" data-testid="focused-frame" ref={(element) => void (src && element?.scrollIntoView({ block: "center" }))}>
      <h2 className="font-medium">
        The moment you opened{focus.time !== null ? `: ${formatTime(focus.time)}` : ""}
        {video ? ` in ${video.title ?? video.video_id}` : ""}
      </h2>
      {src ? (
        // eslint-disable-next-line @next/next/no-img-element -- the job's own frame from our API, fetched with the caller's session
        <img src={src} alt={`Frame at ${focus.time !== null ? formatTime(focus.time) : focus.frameId}`} className="w-full max-w-xl rounded" />
      ) : (
        <p className="text-sm text-slate-600">Loading the frame…</p>
      )}
    </section>
  );
}

export function FeatureReview({ jobId, focus = null }: { jobId: string; focus?: Focus | null }) {
  const view = useReviewView();
  const { has, videoId, sortBy, order, imageOffset, frameOffset } = view.filters;
  const { layers } = view;
  const { status, videos, images, frames, frameSources, imageSources, error, setError } = useReviewData(jobId, view.filters);
  const { product, setProduct, hits, searching, selectedHit, setSelectedHit, search: runSearch } = useProductSearch(jobId, imageSources, setError);
  const upload = useRef<HTMLInputElement>(null);
  const search = (mode: "product" | "upload") => runSearch(mode, upload.current?.files?.[0]);

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
            <span className="rounded-full bg-slate-100 px-2 py-0.5 font-medium">{phaseWords[status.phase] ?? status.phase}</span> {status.percent}% · {status.counts.products} products · {status.counts.images} images · {status.counts.videos} videos · {status.counts.frames} frames
          </p>
        )}
      </header>
      {error && <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="review-error">{error}</p>}
      {focus && <FocusedFrame focus={focus} src={frameSources.get(focus.frameId)} videos={videos} />}

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
        <Select label="Show items with" value={has} testId="filter-has" options={HAS.map((value) => ({ value, label: hasWords[value] ?? value }))} onChange={view.chooseHas} />
        <Select label="Video" value={videoId} testId="filter-video" options={[{ value: "", label: "all videos" }, ...videos.map((video) => ({ value: video.video_id, label: video.title ?? video.video_id }))]} onChange={view.chooseVideo} />
        <Select label="Sort frames by" value={sortBy} testId="filter-sort" options={[["ts", "time in the video"], ["frame_id", "frame name"], ["updated_at", "last measured"]].map(([value, label]) => ({ value, label }))} onChange={view.setSortBy} />
        <Select label="Order" value={order} testId="filter-order" options={[["asc", "first to last"], ["desc", "last to first"]].map(([value, label]) => ({ value, label }))} onChange={view.setOrder} />
        <fieldset className="flex gap-3 text-sm text-slate-700">
          {(["mask", "keypoints", "boxes"] as const).map((layer) => (
            <label key={layer} className="flex items-center gap-1">
              <input type="checkbox" checked={layers[layer]} onChange={(event) => view.setLayer(layer, event.target.checked)} /> {layer}
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
              {/* eslint-disable-next-line @next/next/no-img-element -- the job's own frame from our API, fetched with the caller's session (Next's optimizer would fetch it without) */}
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
          <Pager list={images} offset={imageOffset} onOffset={view.setImageOffset} label="images" />
        </div>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="image-grid">
          {images?.items.map((item) => <AssetCard key={String(item.img_id)} asset={toAsset(item, "image")} layers={layers} />)}
        </div>
      </section>

      <section className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="font-medium">Frames</h2>
          <Pager list={frames} offset={frameOffset} onOffset={view.setFrameOffset} label="frames" />
        </div>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="frame-grid">
          {frames?.items.map((item) => <AssetCard key={String(item.frame_id)} asset={toAsset(item, "frame")} layers={layers} />)}
        </div>
      </section>
    </div>
  );
}
