/** An event as GET /api/jobs/{id}/results sends it (contracts/cabin-events.md), as the page uses it. */
export type ViewerEvent = {
  id: string;
  label: string;
  start_time: number;
  end_time: number;
  duration: number;
  confidence: number;
  track_ids: number[];
  best_frame_time: number;
  activityImageUrl: string | null;
  activityImageAnnotatedUrl?: string | null;
  activityClipUrl: string | null;
};

/** A track as GET /api/jobs/{id}/tracks sends it (lib/analysis/list-tracks.ts). */
export type ViewerTrack = {
  track_id: number;
  label: string;
  first_seen: number;
  last_seen: number;
  frames: number;
  avg_confidence: number;
  path: [number, number, number][];
  best_time: number;
  event_ids: string[];
};
