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

/** Every function the app serves (app/api/inngest/route.ts). */
export const functions = [analyzeVideo, ingest, transcribe, generateClip, render, exportJob, enhance, metadata, extractFeatures, reframeVideo, annotateVideo];
