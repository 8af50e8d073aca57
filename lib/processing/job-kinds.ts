import { z } from "zod";
import type { SingleSourceJobKind } from "@/lib/jobs/job-kind";
import { ENHANCE_PRESETS } from "@/lib/media/enhance";
import { editorSource, oneSourceOf, withOneSource } from "@/lib/videos/payload-fields";
import { toProcessStatus, toStatusUpdate } from "./process-status";

/**
 * contracts/enhance-metadata.md: made by POST /upload for the uploaded video. Its client
 * sockets hear its own status_update shape and no log lines.
 */
const live = { job: toStatusUpdate, log: false };

const enhancePayload = withOneSource(editorSource.extend({ preset: z.enum(ENHANCE_PRESETS).default("auto"), scale: z.union([z.literal(2), z.literal(4)]).default(2) }));
const metadataPayload = withOneSource(editorSource);

export const enhance: SingleSourceJobKind<typeof enhancePayload> = {
  event: "job/enhance.requested",
  payload: enhancePayload,
  source: oneSourceOf,
  status: toProcessStatus,
  live,
};

export const metadata: SingleSourceJobKind<typeof metadataPayload> = {
  event: "job/metadata.requested",
  payload: metadataPayload,
  source: oneSourceOf,
  status: toProcessStatus,
  live,
};
