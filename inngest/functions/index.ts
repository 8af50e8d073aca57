import type { JobKind } from "@/lib/job-kinds";
import analyzeVideo from "./analyze-video";
import annotateVideo from "./annotate-video";
import enhance from "./enhance";
import exportJob from "./export";
import extractFeatures from "./extract-features";
import generateClip from "./generate-clip";
import ingest from "./ingest";
import metadata from "./metadata";
import reframeVideo from "./reframe-video";
import render from "./render";
import transcribe from "./transcribe";

/** Each job kind's function: the type system checks that every kind (lib/job-kinds.ts) has one. */
export const jobFunctions = {
  analyze: analyzeVideo,
  ingest,
  transcribe,
  generate_clip: generateClip,
  render,
  export: exportJob,
  enhance,
  metadata,
  extract_features: extractFeatures,
  reframe: reframeVideo,
  annotate: annotateVideo,
} satisfies Record<JobKind, unknown>;

/** Every function the app serves (app/api/inngest/route.ts). */
export const functions = Object.values(jobFunctions);
