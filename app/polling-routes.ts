/**
 * The routes a client polls a job on, answered by server.ts without Next's router
 * (lib/http/direct-routes.ts): the same handlers, for GETs with a job id and no session, on
 * their own paths and under every contract's prefix (no route file lives under one of these).
 */
import type { DirectRoute } from "@/lib/http/direct-routes";
import { contractPrefixes } from "@/lib/http/contract-prefixes";
import { directPath } from "@/lib/http/direct-routes";
import { GET as cabinProgress } from "./(cabin-events)/api/jobs/[job_id]/progress/route";
import { GET as cabinSummary } from "./(cabin-events)/api/jobs/[job_id]/route";
import { GET as editorJob } from "./(editor-jobs)/jobs/[job_id]/route";
import { GET as featureStatus } from "./(feature-extraction)/status/[job_id]/route";
import { GET as reframerJob } from "./(reframer)/job/[job_id]/route";

const prefixes = Object.values(contractPrefixes);

export const pollingRoutes: readonly DirectRoute[] = [
  { pattern: directPath("/api/jobs/:job_id/progress", prefixes), handler: cabinProgress },
  { pattern: directPath("/api/jobs/:job_id", prefixes), handler: cabinSummary },
  { pattern: directPath("/job/:job_id", prefixes), handler: reframerJob },
  { pattern: directPath("/status/:job_id", prefixes), handler: featureStatus },
  { pattern: directPath("/jobs/:job_id", prefixes), handler: editorJob },
];
