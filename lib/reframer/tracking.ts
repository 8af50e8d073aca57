import type { DetectionPlan } from "@/lib/analysis/detect-chunk";
import type { VideoTrackerOptions } from "@/lib/tracking/video-tracker";

/** ByteTrack settings for reframe jobs (README "Video Reframer"). */
/** Confirmation to match: a track is kept from half a second on, at the scores the gates let in. */
export const reframeConfirmation = { minSeconds: 0.5, minScore: { default: 0.25, person: 0.25 } };
export const reframeTracker = { highThreshold: 0.25, newTrackThreshold: 0.3, matchThreshold: 0.95, unconfirmedMatchThreshold: 0.95 };

/**
 * The tracking a reframe job runs. Looser gates than the analysis defaults (high 0.5, new 0.6,
 * match 0.8, unconfirmed 0.7): the small detector scores many real people 0.3-0.4, and
 * ByteTrack's match cost is 1 - IoU x score, so at those scores no match could pass and nobody
 * was tracked. A person left untracked can be neither masked nor followed.
 */
export function reframeTracking(plan: Pick<DetectionPlan, "fps" | "width" | "height">): VideoTrackerOptions {
  return { tracker: { ...reframeTracker, trackBuffer: Math.max(1, Math.round(2 * plan.fps)) }, confirmation: reframeConfirmation, frameSize: { width: plan.width, height: plan.height } };
}
