import { z } from "zod";
import { MAX_SAMPLE_FPS } from "@/lib/inference/worker-protocol";
import type { SingleSourceJobKind } from "@/lib/jobs/job-kind";
import { checkedVideoSchema, uuid } from "@/lib/videos/payload-fields";
import { toReframerJob } from "./serializers";

/** The crop shapes POST /process takes (contracts/reframer.md; README "Video Reframer"). */
export const reframeAspects = ["9:16", "1:1", "4:5", "16:9"] as const;

const reframePayload = z
  .object({
    videoId: uuid,
    duration: z.number().nonnegative(),
    filename: z.string().max(1024),
    fps: z.number().positive().max(MAX_SAMPLE_FPS).default(5),
    aspect: z.enum(reframeAspects).optional(),
    checked: checkedVideoSchema.optional(),
  })
  .strict();
export type ReframePayload = z.output<typeof reframePayload>;

/** `reframe` is made by POST /process only, for the video it registered. */
export const reframe: SingleSourceJobKind<typeof reframePayload> = {
  event: "video/reframe.requested",
  payload: reframePayload,
  source: (payload) => ({ source_asset_id: payload.videoId }),
  status: toReframerJob,
};
