import type { TrackSummary } from "@/lib/analysis/list-tracks";
import type { toCabinEvent } from "@/lib/analysis/serializers/cabin-events";

/** An event as GET /api/jobs/{id}/results sends it (contracts/cabin-events.md). */
export type ViewerEvent = ReturnType<typeof toCabinEvent>;

/** A track as GET /api/jobs/{id}/tracks sends it (lib/analysis/list-tracks.ts). */
export type ViewerTrack = TrackSummary;
