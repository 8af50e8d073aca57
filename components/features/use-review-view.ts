"use client";

import { useState } from "react";
import type { Layers } from "./review-types";

export const HAS = ["any", "segment", "embedding", "keypoints", "none"] as const;

/**
 * The page's own state: the API's filters (`has`, `video_id`, `sort_by`, `order`), each list's
 * page, and which layers the cards draw. A filter that changes what a list holds sends it back
 * to its first page.
 */
export function useReviewView() {
  const [has, setHas] = useState("any");
  const [videoId, setVideoId] = useState("");
  const [sortBy, setSortBy] = useState("ts");
  const [order, setOrder] = useState("asc");
  const [imageOffset, setImageOffset] = useState(0);
  const [frameOffset, setFrameOffset] = useState(0);
  const [layers, setLayers] = useState<Layers>({ mask: true, keypoints: true, boxes: true });
  return {
    filters: { has, videoId, sortBy, order, imageOffset, frameOffset },
    layers,
    chooseHas: (value: string) => {
      setHas(value);
      setImageOffset(0);
      setFrameOffset(0);
    },
    chooseVideo: (value: string) => {
      setVideoId(value);
      setFrameOffset(0);
    },
    setSortBy,
    setOrder,
    setImageOffset,
    setFrameOffset,
    setLayer: (layer: keyof Layers, on: boolean) => setLayers({ ...layers, [layer]: on }),
  };
}

export type ReviewFilters = ReturnType<typeof useReviewView>["filters"];
