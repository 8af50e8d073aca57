import { z } from "zod";
import type { MultiSourceJobKind } from "@/lib/jobs/job-kind";
import type { SourceReference } from "@/lib/videos/resolve-source";
import { editorSource } from "@/lib/videos/payload-fields";
import { toFeatureStatus } from "./serializers";

/** Feature extraction (contracts/feature-extraction.md; issue 13's request body). */
export const FEATURE_KINDS = ["segment", "embedding", "keypoints"] as const;
export const MAX_FEATURE_FPS = 10;
const httpUrl = z
  .string()
  .max(2048, "must be at most 2048 characters")
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), "must be an http(s) URL");
const featureId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "must be 1-64 letters, digits, '_', '.' or '-'");
const featureVideo = editorSource
  .extend({
    url: httpUrl.optional(),
    title: z.string().max(500).optional(),
    platform: z.string().max(40).optional(),
  })
  .superRefine((video, context) => {
    const given = [video.url, video.source_asset_id, video.video_name].filter((value) => value !== undefined).length;
    if (given !== 1) context.addIssue({ code: "custom", path: ["url"], message: "give exactly one of url, video_name or source_asset_id" });
  });
const extractFeaturesPayload = z
  .looseObject({
    products: z
      .array(
        z.looseObject({
          product_id: featureId,
          title: z.string().max(500).optional(),
          images: z.array(httpUrl).max(50).default([]),
          /** Files sent with a multipart request, moved into the job (set by the route, not by callers). */
          uploaded_images: z.array(z.string().regex(/^upload_[0-9a-f-]{36}\.[a-z0-9]{1,8}$/)).max(50).optional(),
        }),
      )
      .max(500)
      .default([]),
    videos: z.array(featureVideo).max(100).default([]),
    fps: z.number().positive().max(MAX_FEATURE_FPS).default(1),
    /** Shot-cut threshold for ffmpeg's scene score (0..1); a frame is also kept at every cut. */
    scene_threshold: z.number().min(0.05).max(1).default(0.3),
    features: z.array(z.enum(FEATURE_KINDS)).min(1).default([...FEATURE_KINDS]),
  })
  .superRefine((payload, context) => {
    if (payload.products.length === 0 && payload.videos.length === 0) context.addIssue({ code: "custom", path: ["products"], message: "give products, videos or both" });
    const ids = payload.products.map((product) => product.product_id);
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate) context.addIssue({ code: "custom", path: ["products"], message: `product_id ${duplicate} is given twice` });
  });
export type ExtractFeaturesPayload = z.output<typeof extractFeaturesPayload>;

/** Several videos (or none), some by URL: the function collects and resolves each itself. */
export const extractFeatures: MultiSourceJobKind<typeof extractFeaturesPayload> = {
  event: "job/extract-features.requested",
  payload: extractFeaturesPayload,
  sources: (payload) =>
    payload.videos.flatMap((video): SourceReference[] => {
      if (video.source_asset_id !== undefined) return [{ source_asset_id: video.source_asset_id }];
      return video.video_name !== undefined ? [{ video_name: video.video_name }] : [];
    }),
  status: toFeatureStatus,
};
