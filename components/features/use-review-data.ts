"use client";

import { useCallback, useEffect, useState } from "react";
import { getJson, PAGE, type Hit, type Listed, type Status, type Video } from "./review-types";
import type { ReviewFilters } from "./use-review-view";

/**
 * Everything the review page fetches: the job's status, its videos, the product images' and
 * the frames' picture URLs, and the two feature lists for the current filters. Each list keeps
 * only the answer to its latest filters: an earlier request may answer later.
 */
export function useReviewData(jobId: string, filters: ReviewFilters) {
  const { has, videoId, sortBy, order, imageOffset, frameOffset } = filters;
  const [status, setStatus] = useState<Status | null>(null);
  const [videos, setVideos] = useState<Video[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [images, setImages] = useState<Listed<Record<string, unknown>> | null>(null);
  const [frames, setFrames] = useState<Listed<Record<string, unknown>> | null>(null);
  const [frameSources, setFrameSources] = useState<Map<string, string>>(new Map());
  const [imageSources, setImageSources] = useState<Map<string, string>>(new Map());

  useEffect(() => {
    void (async () => {
      try {
        setStatus(await getJson<Status>(`/status/${jobId}`));
        const list = await getJson<Listed<Video>>(`/jobs/${jobId}/videos?limit=100`);
        setVideos(list.items);
        const pictures = await getJson<Listed<{ img_id: string; url: string | null }>>(`/jobs/${jobId}/images?limit=100`);
        setImageSources(new Map(pictures.items.map((item) => [item.img_id, item.url ?? ""])));
      } catch (cause) {
        setError((cause as Error).message);
      }
    })();
  }, [jobId]);

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

  return { status, videos, images, frames, frameSources, imageSources, error, setError };
}

/**
 * The product search: by a product image of the job (the first one until another is chosen)
 * or by an uploaded picture; its hits, and the one shown.
 */
export function useProductSearch(jobId: string, imageSources: Map<string, string>, setError: (error: string | null) => void) {
  const [chosen, setProduct] = useState("");
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [selectedHit, setSelectedHit] = useState<Hit | null>(null);
  const product = chosen || (imageSources.keys().next().value ?? "");

  const search = useCallback(async (mode: "product" | "upload", file?: File) => {
    setSearching(true);
    setError(null);
    try {
      let response: Response;
      if (mode === "upload") {
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
  }, [jobId, product, setError]);

  return { product, setProduct, hits, searching, selectedHit, setSelectedHit, search };
}
