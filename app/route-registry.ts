/**
 * Every route module under app/, with its URL path and what the API document says about it.
 * GET /openapi.json is built from this list (lib/http/openapi.ts reads each handler's route()
 * options), and app/route-registry.test.ts fails when a route.ts is missing here: a new route
 * is documented or, with a reason, hidden.
 */
import { z } from "zod";
import type { DocumentedModule } from "@/lib/http/openapi";
import type { RouteDoc } from "@/lib/http/route";
import * as apiAuthNextauthRoute from "./api/auth/[...nextauth]/route";
import * as apiInngestRoute from "./api/inngest/route";
import * as apiJobsJobIdMediaFilenameRoute from "./(cabin-events)/api/jobs/[job_id]/media/[...filename]/route";
import * as apiJobsJobIdProgressRoute from "./(cabin-events)/api/jobs/[job_id]/progress/route";
import * as apiJobsJobIdResultsRoute from "./(cabin-events)/api/jobs/[job_id]/results/route";
import * as apiJobsJobIdRoute from "./(cabin-events)/api/jobs/[job_id]/route";
import * as apiJobsJobIdSourceRoute from "./(cabin-events)/api/jobs/[job_id]/source/route";
import * as apiJobsJobIdAnnotatedRoute from "./(cabin-events)/api/jobs/[job_id]/annotated/route";
import * as apiJobsJobIdDetectionsRoute from "./(cabin-events)/api/jobs/[job_id]/detections/route";
import * as apiJobsJobIdEventsEventIdReviewRoute from "./(cabin-events)/api/jobs/[job_id]/events/[event_id]/review/route";
import * as apiJobsJobIdEventsReviewedRoute from "./(cabin-events)/api/jobs/[job_id]/events/reviewed/route";
import * as apiJobsJobIdExportRoute from "./(cabin-events)/api/jobs/[job_id]/export/route";
import * as apiJobsJobIdThumbnailsSecondRoute from "./(cabin-events)/api/jobs/[job_id]/thumbnails/[second]/route";
import * as apiJobsJobIdTracksRoute from "./(cabin-events)/api/jobs/[job_id]/tracks/route";
import * as apiJobsJobIdTracksTrackIdThumbnailRoute from "./(cabin-events)/api/jobs/[job_id]/tracks/[track_id]/thumbnail/route";
import * as apiJobsRoute from "./(cabin-events)/api/jobs/route";
import * as apiJobsServerVideosRoute from "./(cabin-events)/api/jobs/server-videos/route";
import * as apiJobsStartRoute from "./(cabin-events)/api/jobs/start/route";
import * as apiNotFoundRoute from "./api/not-found/route";
import * as apiVideosRoute from "./api/videos/route";
import * as apiReframesJobIdReframedRoute from "./(reframer)/api/reframes/[job_id]/reframed/route";
import * as apiReframesJobIdResultsRoute from "./(reframer)/api/reframes/[job_id]/results/route";
import * as apiReframesRoute from "./(reframer)/api/reframes/route";
import * as apiReframesJobIdSourceRoute from "./(reframer)/api/reframes/[job_id]/source/route";
import * as docsAssetsFileRoute from "./docs/assets/[file]/route";
import * as featuresProductImagesImgIdRoute from "./(feature-extraction)/features/product-images/[img_id]/route";
import * as featuresSearchRoute from "./(feature-extraction)/features/search/route";
import * as featuresSearchImageRoute from "./(feature-extraction)/features/search/image/route";
import * as featuresVideoFramesFrameIdRoute from "./(feature-extraction)/features/video-frames/[frame_id]/route";
import * as healthDiagnosticsRoute from "./(editor-jobs)/health/diagnostics/route";
import * as healthRoute from "./health/route";
import * as internalMetadataExtractionStatusFileIdRoute from "./(enhance-metadata)/internal/metadata-extraction-status/[file_id]/route";
import * as internalVideoEnhancementStatusFileIdRoute from "./(enhance-metadata)/internal/video-enhancement-status/[file_id]/route";
import * as jobJobIdRoute from "./(reframer)/job/[job_id]/route";
import * as jobsJobIdCancelRoute from "./(editor-jobs)/jobs/[job_id]/cancel/route";
import * as jobsJobIdFeaturesProductImagesRoute from "./(feature-extraction)/jobs/[job_id]/features/product-images/route";
import * as jobsJobIdFeaturesSummaryRoute from "./(feature-extraction)/jobs/[job_id]/features/summary/route";
import * as jobsJobIdFeaturesVideoFramesRoute from "./(feature-extraction)/jobs/[job_id]/features/video-frames/route";
import * as jobsJobIdFilesPathRoute from "./jobs/[job_id]/files/[...path]/route";
import * as jobsJobIdFilesNameRoute from "./jobs/[job_id]/files/[name]/route";
import * as jobsJobIdImagesRoute from "./(feature-extraction)/jobs/[job_id]/images/route";
import * as jobsJobIdRoute from "./(editor-jobs)/jobs/[job_id]/route";
import * as jobsJobIdVideosVideoIdFramesRoute from "./(feature-extraction)/jobs/[job_id]/videos/[video_id]/frames/route";
import * as jobsJobIdVideosRoute from "./(feature-extraction)/jobs/[job_id]/videos/route";
import * as jobsRoute from "./(editor-jobs)/jobs/route";
import * as openapiJsonRoute from "./openapi.json/route";
import * as processRoute from "./(reframer)/process/route";
import * as processedVideosNameRoute from "./(enhance-metadata)/processed_videos/[name]/route";
import * as processedVideosMetadataNameRoute from "./(enhance-metadata)/processed_videos/metadata/[name]/route";
import * as reframerHealthRoute from "./(reframer)/reframer/health/route";
import * as registerRoute from "./(reframer)/register/route";
import * as resultsJobIdReframedMp4Route from "./(reframer)/results/[job_id]/reframed.mp4/route";
import * as resultsJobIdRoute from "./(reframer)/results/[job_id]/route";
import * as statusJobIdRoute from "./(feature-extraction)/status/[job_id]/route";
import * as uploadRoute from "./(enhance-metadata)/upload/route";
import * as videosRoute from "./(reframer)/videos/route";

/** `hidden` says why a module is not in the document. */
export type RegisteredRoute = { path: string; module: DocumentedModule["module"]; doc?: RouteDoc; hidden?: string };

const cabin = ["cabin-events"];
const editor = ["editor-jobs"];
const enhance = ["enhance-metadata"];
const feature = ["feature-extraction"];
const reframer = ["reframer"];
const browser = ["browser"];

/** The options field both cabin job starts read (lib/analysis/start-analysis.ts parses it). */
const analysisFields = {
  tripId: z.string().min(1).describe("The trip the video belongs to"),
  options: z.string().optional().describe("JSON analysis options: fps, rules, thresholds (see the upload page)"),
  client_id: z.string().optional().describe("Status messages also go to /ws/{client_id}"),
};

export const routeRegistry: RegisteredRoute[] = [
  { path: "/health", module: healthRoute, doc: { summary: "Health (also GET /health/)", tags: [...cabin, ...editor] } },
  { path: "/health/diagnostics", module: healthDiagnosticsRoute, doc: { summary: "Every part's state; details for admins only", tags: editor } },
  { path: "/api/jobs", module: apiJobsRoute, doc: { summary: "Create a job from an uploaded video", tags: cabin, fields: z.object(analysisFields) } },
  { path: "/api/jobs/server-videos", module: apiJobsServerVideosRoute, doc: { summary: "List the videos in the server's input folder", tags: cabin, responses: { 400: "VIDEO_INPUT_DIR is not configured or does not exist" } } },
  {
    path: "/api/jobs/start",
    module: apiJobsStartRoute,
    doc: { summary: "Create a job from a video on the server", tags: cabin, fields: z.object({ ...analysisFields, videoName: z.string().min(1) }) },
  },
  { path: "/api/jobs/{job_id}", module: apiJobsJobIdRoute, doc: { summary: "Job summary", tags: cabin } },
  { path: "/api/jobs/{job_id}/progress", module: apiJobsJobIdProgressRoute, doc: { summary: "Poll a job's progress", tags: cabin } },
  { path: "/api/jobs/{job_id}/results", module: apiJobsJobIdResultsRoute, doc: { summary: "A page of the job's events", tags: cabin } },
  {
    path: "/api/jobs/{job_id}/media/{filename}",
    module: apiJobsJobIdMediaFilenameRoute,
    doc: { summary: "An event's snapshot or clip, with Range", tags: cabin, produces: "application/octet-stream", responses: { 206: "Partial content" } },
  },
  {
    path: "/api/jobs/{job_id}/source",
    module: apiJobsJobIdSourceRoute,
    doc: { summary: "The analysed video itself, with Range", tags: browser, produces: "video/mp4", responses: { 206: "Partial content" } },
  },
  { path: "/api/jobs/{job_id}/detections", module: apiJobsJobIdDetectionsRoute, doc: { summary: "The job's boxes in a time window, for the player overlay", tags: browser } },
  { path: "/api/jobs/{job_id}/tracks", module: apiJobsJobIdTracksRoute, doc: { summary: "Every track with its path, first and last seen and its events", tags: browser } },
  {
    path: "/api/jobs/{job_id}/tracks/{track_id}/thumbnail",
    module: apiJobsJobIdTracksTrackIdThumbnailRoute,
    doc: { summary: "A track's most confident box, cut out (JPEG)", tags: browser, produces: "image/jpeg" },
  },
  {
    path: "/api/jobs/{job_id}/thumbnails/{second}",
    module: apiJobsJobIdThumbnailsSecondRoute,
    doc: { summary: "The frame at a whole second (JPEG): 160 wide for scrubbing, or at most 960 wide with `size=frame`", tags: browser, produces: "image/jpeg" },
  },
  { path: "/api/jobs/{job_id}/export", module: apiJobsJobIdExportRoute, doc: { summary: "Every event as a JSON or CSV download", tags: browser } },
  {
    path: "/api/jobs/{job_id}/events/{event_id}/review",
    module: apiJobsJobIdEventsEventIdReviewRoute,
    doc: {
      summary: "An event's verdict: give or replace it (POST), or clear it (DELETE)",
      description:
        "The job's owner or an admin marks an event `confirmed` or `false_positive`, with an optional note (at most 1000 characters). POST answers the event as the results list it, with its `review`. False positives are left out of the results, the track list and the event exports unless `include_rejected=1`. Anyone else, an unknown event or an event of another job: 404.",
      tags: browser,
    },
  },
  {
    path: "/api/jobs/{job_id}/events/reviewed",
    module: apiJobsJobIdEventsReviewedRoute,
    doc: {
      summary: "The reviewed events as COCO-style labels, for an evaluation",
      description:
        "`images`: each reviewed event's best frame (`file_name` its snapshot, `coco_url` where it is served); `annotations`: the event's boxes (`category_id` the box's label, `bbox` [x, y, width, height] in source pixels) with `attributes: {verdict, event_label, event_id}`; `categories`: COCO's 91-scheme ids, other labels from 1000. Owner or admin only.",
      tags: browser,
    },
  },
  { path: "/api/jobs/{job_id}/annotated", module: apiJobsJobIdAnnotatedRoute, doc: { summary: "The annotated-video export: the newest (GET) or a new one (POST)", tags: browser } },
  { path: "/jobs", module: jobsRoute, doc: { summary: "Create and enqueue a job (also POST /jobs/)", tags: editor, responses: { 202: "Queued" } } },
  { path: "/jobs/{job_id}", module: jobsJobIdRoute, doc: { summary: "A job's latest state", tags: editor } },
  { path: "/jobs/{job_id}/cancel", module: jobsJobIdCancelRoute, doc: { summary: "Stop a job's run (an addition)", tags: editor } },
  {
    path: "/jobs/{job_id}/files/{name}",
    module: jobsJobIdFilesNameRoute,
    doc: {
      summary: "A file a job made, with Range",
      description: "An editor job's `result_payload.files`, or (several segments) the files behind a feature job's `url` / `urls`.",
      tags: [...editor, ...feature],
      produces: "application/octet-stream",
      responses: { 206: "Partial content" },
    },
  },
  {
    path: "/jobs/{job_id}/files/{path}",
    module: jobsJobIdFilesPathRoute,
    hidden: "the same URL shape as /jobs/{job_id}/files/{name} (Next serves one segment there, more here): documented once, there",
  },
  { path: "/status/{job_id}", module: statusJobIdRoute, doc: { summary: "A feature job's phase, percent and counts", tags: feature } },
  { path: "/jobs/{job_id}/videos", module: jobsJobIdVideosRoute, doc: { summary: "The job's downloaded videos", tags: feature } },
  { path: "/jobs/{job_id}/videos/{video_id}/frames", module: jobsJobIdVideosVideoIdFramesRoute, doc: { summary: "A video's frames", tags: feature } },
  { path: "/jobs/{job_id}/images", module: jobsJobIdImagesRoute, doc: { summary: "The job's downloaded product images", tags: feature } },
  { path: "/jobs/{job_id}/features/summary", module: jobsJobIdFeaturesSummaryRoute, doc: { summary: "Feature counts for a job", tags: feature } },
  { path: "/jobs/{job_id}/features/product-images", module: jobsJobIdFeaturesProductImagesRoute, doc: { summary: "List product images with their features", tags: feature } },
  { path: "/jobs/{job_id}/features/video-frames", module: jobsJobIdFeaturesVideoFramesRoute, doc: { summary: "List video frames with their features", tags: feature } },
  { path: "/features/product-images/{img_id}", module: featuresProductImagesImgIdRoute, doc: { summary: "One product image's features", tags: feature } },
  { path: "/features/video-frames/{frame_id}", module: featuresVideoFramesFrameIdRoute, doc: { summary: "One video frame's features", tags: feature } },
  { path: "/features/search", module: featuresSearchRoute, doc: { summary: "Where a product appears in the job's frames (an addition)", tags: feature, responses: { 404: "No such product image or product for this caller" } } },
  { path: "/features/search/image", module: featuresSearchImageRoute, doc: { summary: "Frames and product images nearest to an uploaded picture (multipart `file`, an addition)", tags: feature } },
  { path: "/upload", module: uploadRoute, doc: { summary: "Upload a video for enhancement and metadata extraction", tags: enhance } },
  { path: "/internal/video-enhancement-status/{file_id}", module: internalVideoEnhancementStatusFileIdRoute, doc: { summary: "Video enhancement status", tags: enhance } },
  { path: "/internal/metadata-extraction-status/{file_id}", module: internalMetadataExtractionStatusFileIdRoute, doc: { summary: "Metadata extraction status", tags: enhance } },
  {
    path: "/processed_videos/{name}",
    module: processedVideosNameRoute,
    doc: { summary: "An enhanced video (enhanced_{file_id}.{extension}), with Range", tags: enhance, produces: "video/mp4", responses: { 206: "Partial content" } },
  },
  { path: "/processed_videos/metadata/{name}", module: processedVideosMetadataNameRoute, doc: { summary: "Extracted metadata ({file_id}_metadata.json)", tags: enhance } },
  { path: "/reframer/health", module: reframerHealthRoute, doc: { summary: "The reframer's own health shape", tags: reframer } },
  { path: "/register", module: registerRoute, doc: { summary: "Register: an account and its API key, shown once", tags: reframer } },
  { path: "/process", module: processRoute, doc: { summary: "Upload a video to reframe", tags: reframer } },
  { path: "/job/{job_id}", module: jobJobIdRoute, doc: { summary: "A reframe job's status", tags: reframer } },
  { path: "/results/{job_id}", module: resultsJobIdRoute, doc: { summary: "A reframe job's results (202 until completed)", tags: reframer, responses: { 202: "Not completed yet" } } },
  {
    path: "/results/{job_id}/reframed.mp4",
    module: resultsJobIdReframedMp4Route,
    doc: { summary: "The reframed video, with Range", tags: reframer, produces: "video/mp4", responses: { 206: "Partial content" } },
  },
  { path: "/videos", module: videosRoute, doc: { summary: "The caller's videos, newest first", tags: reframer } },
  { path: "/api/videos", module: apiVideosRoute, doc: { summary: "Upload a video for the signed-in browser; answers its id (source_asset_id)", tags: browser } },
  { path: "/api/reframes", module: apiReframesRoute, doc: { summary: "POST /process for the signed-in browser: upload a video and reframe it", tags: browser } },
  { path: "/api/reframes/{job_id}/results", module: apiReframesJobIdResultsRoute, doc: { summary: "GET /results/{job_id} for the signed-in owner", tags: browser } },
  {
    path: "/api/reframes/{job_id}/source",
    module: apiReframesJobIdSourceRoute,
    doc: { summary: "A reframe job's uploaded video, with Range", tags: browser, produces: "video/mp4", responses: { 206: "Partial content" } },
  },
  {
    path: "/api/reframes/{job_id}/reframed",
    module: apiReframesJobIdReframedRoute,
    doc: { summary: "The reframed video for its owner, with Range", tags: browser, produces: "video/mp4", responses: { 206: "Partial content" } },
  },
  { path: "/openapi.json", module: openapiJsonRoute, doc: { summary: "This document", tags: ["docs"] } },
  {
    path: "/docs/assets/{file}",
    module: docsAssetsFileRoute,
    doc: { summary: "Swagger UI's script and stylesheet for /docs", tags: ["docs"], produces: ["text/javascript", "text/css"] },
  },
  { path: "/api/auth/{nextauth}", module: apiAuthNextauthRoute, hidden: "next-auth's own browser endpoints (sign-in form, session, CSRF)" },
  { path: "/api/inngest", module: apiInngestRoute, hidden: "the Inngest SDK's signed serve endpoint, for the orchestration engine only" },
  { path: "/api/not-found", module: apiNotFoundRoute, hidden: "where next.config.ts sends unmatched paths; answers 404 to every method" },
];

/** The routes the document describes. */
export function documentedRoutes(): DocumentedModule[] {
  return routeRegistry.flatMap(({ path, module, doc, hidden }) => (hidden || !doc ? [] : [{ path, module, doc }]));
}
